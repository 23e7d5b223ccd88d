"""The impartiality and confidentiality declaration (公正性和保密承诺): its text per programme (versioned) and the
experts' signatures per round. An expert signs once per round, before first opening the round's work."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from awards.models import Programme
from core import roles
from core.audit import audit_record
from core.exceptions import BusinessRuleError

from .models import DeclarationSignature, DeclarationText, ReviewRound

DEFAULT_BODY = (
    "本人承诺：\n"
    "一、以公正、客观的态度评审每一份申报材料，不受任何单位和个人的影响；\n"
    "二、与申报单位、推荐单位或小组成员存在利害关系时，主动申明并回避；\n"
    "三、对评审材料、评审意见和评分结果严格保密，不复制、不外传、不用于评审以外的用途；\n"
    "四、不私下接触申报单位或其人员，不接受任何形式的馈赠。"
)
DEFAULT_BODY_EN = (
    "I declare that:\n"
    "1. I review every application impartially and objectively, free of any influence by any organisation or "
    "person;\n"
    "2. I declare any interest I have in an applying unit, a recommending organisation or a group member, and "
    "recuse myself;\n"
    "3. I keep the materials, opinions and scores confidential: I do not copy, share or use them for anything but "
    "this review;\n"
    "4. I do not contact applicants privately and accept no gift of any kind."
)


def declaration_text_current(programme: Programme) -> DeclarationText:
    """The programme's current text (its highest version); version 1 with the default text when there is none."""
    text = DeclarationText.objects.filter(programme=programme).order_by("-version").first()
    if text is None:
        text, _created = DeclarationText.objects.get_or_create(
            programme=programme, version=1, defaults={"body": DEFAULT_BODY, "body_en": DEFAULT_BODY_EN}
        )
    return text


@transaction.atomic
def declaration_text_change(*, actor, programme: Programme, body: str, body_en: str = "") -> DeclarationText:
    """A new version of the programme's text (signatures already given keep the version they signed)."""
    body, body_en = (body or "").strip(), (body_en or "").strip()
    if not body:
        raise BusinessRuleError(_("Write the declaration's text."), code="declaration")
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = declaration_text_current(programme)
    if current.body == body and current.body_en == body_en:
        return current
    version = (DeclarationText.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0) + 1
    text = DeclarationText.objects.create(
        programme=programme, version=version, body=body, body_en=body_en, created_by=actor
    )
    audit_record(
        actor=actor,
        obj=text,
        action="declaration.text_changed",
        changes={
            "version": [current.version, version],
            "body": [current.body, body],
            "body_en": [current.body_en, body_en],
        },
    )
    return text


def declaration_signature(expert, round_: ReviewRound) -> DeclarationSignature | None:
    return DeclarationSignature.objects.filter(expert=expert, round=round_).select_related("text").first()


def declaration_signed(expert, round_: ReviewRound) -> bool:
    return expert is not None and DeclarationSignature.objects.filter(expert=expert, round=round_).exists()


@transaction.atomic
def declaration_sign(*, actor, round: ReviewRound) -> DeclarationSignature:
    """The signed-in expert signs the current text for `round` (who, when, which version); signing again changes
    nothing."""
    expert = getattr(actor, "expert_profile", None)
    if expert is None or not roles.is_expert(actor):
        raise BusinessRuleError(_("Only an expert signs the declaration."), code="declaration")
    existing = declaration_signature(expert, round)
    if existing is not None:
        return existing
    text = declaration_text_current(round.edition.programme)
    signature, created = DeclarationSignature.objects.get_or_create(round=round, expert=expert, defaults={"text": text})
    if created:
        audit_record(
            actor=actor,
            obj=signature,
            action="declaration.signed",
            changes={"round": [None, round.pk], "version": [None, text.version]},
        )
    return signature


def signatures_of_programme(programme: Programme):
    """Every signature given for the programme's rounds, by round then time (the staff page)."""
    return (
        DeclarationSignature.objects.filter(round__edition__programme=programme)
        .select_related("round", "text", "expert__user")
        .order_by("-round__opens_at", "round_id", "signed_at")
    )


def programmes_for_declarations():
    """The programmes whose declaration staff edit, in code order."""
    return list(Programme.objects.order_by("code"))

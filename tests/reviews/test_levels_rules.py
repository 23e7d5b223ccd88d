"""评定 gaps: level rules per category, a read-only first visit, the vote reset.

Hand-computed: both categories hold totals 95, 88, 82, 76 (document round at 100 %). Levels' own limits:
标杆级 ≥ 90, 优秀级 ≥ 80, 推进级 no limit → 标杆级, 优秀级, 优秀级, 推进级. 创新型 has its own rules: 标杆级 ≥ 85
and at most 25 % (⌊0.25 × 4⌋ = 1 place), 优秀级 ≥ 80 with at most 1 place → 95 标杆级, 88 优秀级 (the band lets 88
into 标杆级 but the quota is full), 82 推进级 (优秀级's one place is taken), 76 推进级."""

from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import Category
from core.exceptions import BusinessRuleError
from core.models import AuditEntry
from reviews import levels
from reviews.models_levels import AwardLevel, AwardLevelRule, CommitteeVote, LevelScheme, SchemeRound
from tests.factories import staff_user
from tests.factories.recommenders import qc_edition
from tests.factories.reviews import quick_admitted
from tests.factories.reviews_levels import closed_round, level_scheme, result
from tests.helpers import client_for, messages_of

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

TOTALS = (95, 88, 82, 76)
LEVELS = [("标杆级", "90", None, None), ("优秀级", "80", None, None), ("推进级", None, None, None)]


@pytest.fixture
def world():
    edition = qc_edition()
    doc = closed_round(edition, name="材料文审")
    apps = {}
    for code in ("problem_solving", "innovation"):
        apps[code] = [quick_admitted(edition, category=code) for _ in TOTALS]
        for app, total in zip(apps[code], TOTALS, strict=True):
            result(doc, app, total)
    scheme = level_scheme(edition, {doc: 100}, levels=LEVELS)
    innovation = Category.objects.get(edition=edition, code="innovation")
    return scheme, apps, innovation


def _level_names(scheme, applications):
    by_id = {r.application_id: (str(r.level) if r.level else None) for r in levels.combined_table(scheme).rows}
    return [by_id[a.pk] for a in applications]


def _innovation_rules(scheme, innovation):
    lv = {level.name: level.pk for level in scheme.levels.all()}
    return {
        (lv["标杆级"], innovation.pk): {"min_score": Decimal("85"), "max_share": Decimal("25"), "max_count": None},
        (lv["优秀级"], innovation.pk): {"min_score": Decimal("80"), "max_share": None, "max_count": 1},
    }


def test_same_totals_get_different_levels_by_category(world):
    scheme, apps, innovation = world
    assert _level_names(scheme, apps["innovation"]) == ["标杆级", "优秀级", "优秀级", "推进级"]  # no own rules yet

    levels.level_rules_save(actor=staff_user(), scheme=scheme, rules=_innovation_rules(scheme, innovation))

    assert _level_names(scheme, apps["problem_solving"]) == ["标杆级", "优秀级", "优秀级", "推进级"]
    assert _level_names(scheme, apps["innovation"]) == ["标杆级", "优秀级", "推进级", "推进级"]


def test_category_rule_replaces_all_three_limits(world):
    # An own rule with no limit at all in 创新型: 标杆级 takes everyone there; 问题解决型 keeps the band of 90.
    scheme, apps, innovation = world
    top = scheme.levels.get(name="标杆级")
    none = {"min_score": None, "max_share": None, "max_count": None}
    levels.level_rules_save(actor=staff_user(), scheme=scheme, rules={(top.pk, innovation.pk): none})
    assert _level_names(scheme, apps["innovation"]) == ["标杆级"] * 4
    assert _level_names(scheme, apps["problem_solving"])[:2] == ["标杆级", "优秀级"]


def test_rules_save_replaces_is_audited_and_refuses_foreign_pairs(world):
    scheme, _apps, innovation = world
    staff = staff_user()
    rules = _innovation_rules(scheme, innovation)
    levels.level_rules_save(actor=staff, scheme=scheme, rules=rules)
    assert AwardLevelRule.objects.filter(level__scheme=scheme).count() == 2
    entry = AuditEntry.objects.filter(action="levels.rules_saved").latest("pk")
    assert entry.changes["rules"][0] == [] and len(entry.changes["rules"][1]) == 2

    first = next(iter(rules))
    levels.level_rules_save(actor=staff, scheme=scheme, rules={first: rules[first]})
    assert list(AwardLevelRule.objects.values_list("level_id", "category_id")) == [first]

    other_category = Category.objects.get(edition=qc_edition(), code="innovation")
    with pytest.raises(BusinessRuleError) as error:
        levels.level_rules_save(actor=staff, scheme=scheme, rules={(first[0], other_category.pk): rules[first]})
    assert error.value.code == "foreign_rule"
    assert AwardLevelRule.objects.count() == 1


def test_rules_page_saves_per_category(world):
    scheme, apps, innovation = world
    client = client_for(staff_user())
    url = reverse("reviews:levels_rules", args=[scheme.edition_id])
    page = client.get(url).content.decode()
    assert 'data-testid="rules-innovation"' in page and 'data-testid="rules-problem_solving"' in page
    data = {}
    for (level_id, category_id), values in _innovation_rules(scheme, innovation).items():
        key = f"{level_id}_{category_id}"
        data[f"own_{key}"] = "on"
        data[f"min_{key}"] = str(values["min_score"])
        data[f"share_{key}"] = "" if values["max_share"] is None else str(values["max_share"])
        data[f"count_{key}"] = "" if values["max_count"] is None else str(values["max_count"])
    # an unticked row's values are ignored
    problem = Category.objects.get(edition=scheme.edition, code="problem_solving")
    data[f"min_{scheme.levels.first().pk}_{problem.pk}"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    assert AwardLevelRule.objects.filter(category=innovation).count() == 2
    assert not AwardLevelRule.objects.filter(category=problem).exists()
    assert _level_names(scheme, apps["innovation"]) == ["标杆级", "优秀级", "推进级", "推进级"]


def _row_counts():
    return (
        LevelScheme.objects.count(),
        AwardLevel.objects.count(),
        SchemeRound.objects.count(),
        AuditEntry.objects.count(),
    )


def test_first_visit_writes_nothing_until_staff_set_up(db):
    edition = qc_edition()
    closed_round(edition, name="材料文审")
    client = client_for(staff_user())
    before = _row_counts()
    for name in ("levels_table", "levels_settings", "levels_rules"):
        page = client.get(reverse(f"reviews:{name}", args=[edition.pk]))
        assert page.status_code == 200
        assert 'data-testid="levels-setup-button"' in page.content.decode()
    assert _row_counts() == before

    response = client.post(reverse("reviews:levels_setup", args=[edition.pk]))
    assert response.status_code == 302
    scheme = LevelScheme.objects.get(edition=edition)
    assert [lv.name for lv in scheme.levels.all()] == ["标杆级", "优秀级", "推进级"]
    assert scheme.rounds.get().weight == 100
    # a second setup changes nothing
    client.post(reverse("reviews:levels_setup", args=[edition.pk]))
    assert AwardLevel.objects.filter(scheme=scheme).count() == 3


def _voted(scheme, size=3):
    members = [staff_user() for _ in range(size)]
    scheme.vote_required = True
    scheme.save()
    scheme.committee.set(members)
    levels.vote_cast(actor=members[0], scheme=scheme, approve=True)
    levels.vote_cast(actor=members[1], scheme=scheme, approve=False)
    return members


def test_vote_reset_needs_a_reason_is_audited_and_reopens_the_list(world):
    scheme, apps, _innovation = world
    members = _voted(scheme)
    staff = staff_user()
    app = apps["innovation"][3]
    with pytest.raises(BusinessRuleError):  # frozen while voting
        levels.level_change(actor=staff, scheme=scheme, application=app, level=None, reason="复核")
    with pytest.raises(BusinessRuleError) as error:
        levels.votes_reset(actor=staff, scheme=scheme, reason="  ")
    assert error.value.code == "no_reason"
    assert CommitteeVote.objects.count() == 2

    assert levels.votes_reset(actor=staff, scheme=scheme, reason="推进级名单需调整") == 2

    assert not CommitteeVote.objects.exists()
    entry = AuditEntry.objects.get(action="levels.votes_reset")
    assert entry.note == "推进级名单需调整" and entry.changes == {"yes": [1, 0], "no": [1, 0]}
    levels.level_change(actor=staff, scheme=scheme, application=app, level=None, reason="复核")
    # the committee votes again, each member once more
    _vote, cast = levels.vote_cast(actor=members[0], scheme=scheme, approve=True)
    assert cast


def test_vote_reset_refused_after_release_and_without_votes(world):
    scheme, _apps, _innovation = world
    staff = staff_user()
    with pytest.raises(BusinessRuleError) as error:
        levels.votes_reset(actor=staff, scheme=scheme, reason="x")
    assert error.value.code == "no_votes"
    _voted(scheme)
    LevelScheme.objects.filter(pk=scheme.pk).update(released_at="2026-12-01T00:00Z")
    with pytest.raises(BusinessRuleError) as error:
        levels.votes_reset(actor=staff, scheme=scheme, reason="x")
    assert error.value.code == "released"
    assert CommitteeVote.objects.count() == 2


def test_vote_reset_page(world):
    scheme, _apps, _innovation = world
    _voted(scheme)
    client = client_for(staff_user())
    table = reverse("reviews:levels_table", args=[scheme.edition_id])
    assert 'data-testid="votes-reset"' in client.get(table).content.decode()
    url = reverse("reviews:levels_votes_reset", args=[scheme.edition_id])
    response = client.post(url, {"reason": ""})
    assert CommitteeVote.objects.count() == 2 and messages_of(response)
    client.post(url, {"reason": "等级需调整"})
    assert not CommitteeVote.objects.exists()
    assert 'data-testid="votes-reset"' not in client.get(table).content.decode()


def test_committee_members_are_staff_only(world):
    # The domain has no committee role and the staged list is staff's: an expert cannot be chosen.
    from reviews.forms_levels import SchemeForm
    from tests.factories.accounts import expert_user

    scheme, _apps, _innovation = world
    expert, staff = expert_user(), staff_user()
    rounds = [sr.round for sr in scheme.rounds.all()]
    data = {"vote_required": "on", "threshold_numerator": "2", "threshold_denominator": "3"}
    data.update({f"weight_{r.pk}": "100" for r in rounds})
    assert SchemeForm({**data, "members": [staff.pk]}, scheme=scheme, rounds=rounds).is_valid()
    form = SchemeForm({**data, "members": [expert.pk]}, scheme=scheme, rounds=rounds)
    assert not form.is_valid() and "members" in form.errors

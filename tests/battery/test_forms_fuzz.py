"""Every form of the project, fed fuzzed data: validation never raises and its errors always render.

Forms are discovered by importing each app's forms modules (forms.py, forms_*.py); every Form/ModelForm class
defined there is built with the constructor arguments its views give it (FACTORIES, from a small world of model
rows) and validated HYPOTHESIS_EXAMPLES times (default 200, see conftest.py) with data drawn field by field:
valid choices and garbage, numbers, dates, hostile text (control characters, NUL, lone surrogates' neighbours,
formula triggers, markup, very long strings) and random file bytes. Formset-only row forms are built as their
formset builds them (an instance attached to its parent).
"""

import datetime
import functools
import importlib
import inspect

import pytest
from django import forms
from django.contrib.sessions.backends.cache import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = [pytest.mark.django_db]

APPS = (
    "accounts",
    "awards",
    "applications",
    "recommenders",
    "reviews",
    "notices",
    "documents",
    "notifications",
    "core",
)


def form_modules() -> list:
    import pathlib

    from django.conf import settings as django_settings

    root = pathlib.Path(django_settings.BASE_DIR)
    modules = []
    for app in APPS:
        for path in sorted((root / app).glob("forms*.py")):
            if path.stem == "forms" or path.stem.startswith("forms_"):
                modules.append(importlib.import_module(f"{app}.{path.stem}"))
    return modules


def discovered_forms() -> list[type]:
    found = []
    for module in form_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def form_id(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# Classes that are not built on their own, with the reason (reported by test_every_form_is_covered_or_explained).
SKIPPED = {
    "awards.forms.ConfigRowForm": "abstract base of the configuration row forms (no Meta.model); its subclasses run",
}


# --- The world the constructor arguments come from -----------------------------------------------------------------


class World:
    """Model rows, created on first use so each form's test builds only what its constructor needs."""

    @functools.cached_property
    def edition(self):
        from tests.factories.recommenders import qc_edition

        return qc_edition()

    @functools.cached_property
    def programme(self):
        return self.edition.programme

    @functools.cached_property
    def application(self):
        from tests.factories.applications import draft_application

        return draft_application(edition=self.edition, complete=False)

    @functools.cached_property
    def questions(self):
        return list(self.edition.questions.all())

    @functools.cached_property
    def rubric(self):
        return self.edition.rubrics.first()

    @functools.cached_property
    def review_round(self):
        from tests.factories.reviews import review_round

        return review_round(self.edition)

    @functools.cached_property
    def round_items(self):
        from reviews import scoring
        from reviews.models import RoundRubric

        return scoring.rubric_items(RoundRubric.objects.filter(round=self.review_round).first())

    @functools.cached_property
    def expert(self):
        from tests.factories.reviews import pool_expert

        return pool_expert(self.programme)

    @functools.cached_property
    def checklist(self):
        from reviews import formal

        return formal.checklist_ensure(self.edition)

    @functools.cached_property
    def scheme(self):
        from tests.factories.reviews_levels import level_scheme

        return level_scheme(
            self.edition, {self.review_round: 100}, levels=[("一等奖", 90, None, 3), ("二等奖", 80, None, None)]
        )

    @functools.cached_property
    def assignment(self):
        from tests.factories.reviews import assigned

        return assigned(self.review_round, self.application, self.expert)

    @functools.cached_property
    def session(self):
        from tests.factories.reviews_presentation import presentation_round, presentation_session

        return presentation_session(presentation_round(self.edition), [self.application])

    def request(self):
        request = RequestFactory().post("/accounts/login/")
        request.session = SessionStore()
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        return request


def _levels_kwargs(w):
    from reviews import levels

    return {
        "levels": w.scheme.levels.all(),
        "categories": w.edition.categories.order_by("position", "pk"),
        "rules": levels.level_rules(w.scheme),
    }


def _instance(model_path: str, **fields):
    from django.apps import apps

    return apps.get_model(model_path)(**fields)


# Constructor arguments per form, as its views pass them.
FACTORIES = {
    "accounts.forms.LoginForm": lambda w: {"request": w.request()},
    "accounts.forms.SignupForm": lambda w: {},
    "applications.forms.ApplicationCreateForm": lambda w: {"edition": w.edition},
    "applications.forms.ApplicationForm": lambda w: {"application": w.application, "questions": w.questions},
    "applications.forms.AttachmentUploadForm": lambda w: {"edition": w.edition},
    "applications.forms.CoApplicantForm": lambda w: {"instance": _instance("applications.CoApplicant")},
    "awards.forms.EditionCreateForm": lambda w: {"programme": w.programme},
    "awards.forms.EditionRulesForm": lambda w: {"instance": w.edition},
    "awards.forms.PhaseForm": lambda w: {
        "instance": _instance("awards.Phase", edition=w.edition),
        "edition": w.edition,
    },
    "awards.forms.QuestionForm": lambda w: {
        "instance": _instance("awards.Question", edition=w.edition),
        "edition": w.edition,
    },
    "awards.forms.AttachmentRequirementForm": lambda w: {
        "instance": _instance("awards.AttachmentRequirement", edition=w.edition),
        "edition": w.edition,
    },
    "awards.forms.CategoryForm": lambda w: {
        "instance": _instance("awards.Category", edition=w.edition),
        "edition": w.edition,
    },
    "awards.forms.RubricForm": lambda w: {
        "instance": _instance("awards.Rubric", edition=w.edition),
        "edition": w.edition,
    },
    "awards.forms.RubricItemForm": lambda w: {"instance": _instance("awards.RubricItem", rubric=w.rubric)},
    "recommenders.forms_recommender.QueueFilterForm": lambda w: {
        "editions": [w.edition],
        "categories": list(w.edition.categories.all()),
        "units": [w.application.unit],
    },
    "recommenders.forms_recommender.ScoreSheetForm": lambda w: {"rubric_items": w.rubric.items.all()},
    "recommenders.forms_recommender.StatisticsForm": lambda w: {
        "fields": [{"code": "members", "label": "成员数"}, {"code": "saving", "label": "经济效益"}]
    },
    "recommenders.forms_unit.QueueFilterForm": lambda w: {"editions": [w.edition]},
    "recommenders.forms_unit.SelfEvaluationForm": lambda w: {"rubric": w.rubric},
    "reviews.forms_expert.ExpertSheetForm": lambda w: {"items": w.round_items, "step": w.review_round.score_step},
    "reviews.forms_expert.CorrectionForm": lambda w: {"items": w.round_items, "step": w.review_round.score_step},
    "reviews.forms_expert.ConflictForm": lambda w: {"assignments": [w.assignment]},
    "reviews.forms_formal.QueueFilterForm": lambda w: {"edition": w.edition},
    "reviews.forms_formal.ChecksForm": lambda w: {"items": w.checklist},
    "reviews.forms_formal.DecisionForm": lambda w: {"items": w.checklist},
    "reviews.forms_formal.ChecklistItemForm": lambda w: {
        "instance": _instance("reviews.ChecklistItem", edition=w.edition)
    },
    "reviews.forms_levels.SchemeForm": lambda w: {"scheme": w.scheme, "rounds": [w.review_round]},
    "reviews.forms_levels.LevelChangeForm": lambda w: {"scheme": w.scheme},
    "reviews.forms_levels.LevelRulesForm": _levels_kwargs,
    "reviews.forms_onsite.VisitForm": lambda w: {
        "applications": type(w.application).objects.filter(pk=w.application.pk),
        "experts": type(w.expert).objects.all(),
    },
    "reviews.forms_panel.LeaderForm": lambda w: {"members": [w.expert]},
    "reviews.forms_pool.EntryForm": lambda w: {"programme": w.programme},
    "reviews.forms_pool.AddForm": lambda w: {"programme": w.programme},
    "reviews.forms_pool.ChangeForm": lambda w: {"entry": w.expert.pool_entries.get(programme=w.programme)},
    "reviews.forms_pool.FilterForm": lambda w: {"programme": w.programme},
    "reviews.forms_rounds.PairRuleForm": lambda w: {
        "experts": type(w.expert).objects.all(),
        "applications": type(w.application).objects.filter(pk=w.application.pk),
    },
    "reviews.forms_presentation.SessionForm": lambda w: {"instance": w.session},
    "reviews.forms_presentation.JudgesForm": lambda w: {"pool": type(w.expert).objects.all()},
    "reviews.forms_presentation.MoveForm": lambda w: {"sessions": type(w.session).objects.all()},
    "notices.forms.PublicFilterForm": lambda w: {"programmes": type(w.programme).objects.all()},
    "notices.forms_books.PackageForm": lambda w: {
        "candidates": type(w.application).objects.filter(pk=w.application.pk)
    },
    "recommenders.forms_joint.JointInviteForm": lambda w: {
        "recommenders": type(w.application.unit.recommender).objects.all()
    },
}


# --- Data ------------------------------------------------------------------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egpj.exe",
    '=HYPERLINK("http://evil.test")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "%(name)s %s %d",
    "'; DROP TABLE applications_application; --",
    "../../etc/passwd",
    "9" * 40,
    "-" + "9" * 30,
    "1e308",
    "NaN",
    "inf",
    "0x10",
    "１２３",
    "2026-02-30",
    "2026-13-01T25:61",
    "9999-12-31 23:59",
    "0001-01-01",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "中文名称",
    "x" * 5000,
    "\ud7ff\ue000\uffff",
    "\r\n\r\n",
]

text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.floats().map(str),
)
dates = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="minutes")),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)
files = st.builds(
    lambda name, data: SimpleUploadedFile(name or "f", data),
    st.sampled_from(["a.pdf", "a.png", "a.xlsx", "../../x.pdf", "\u202exslx.exe", "", "a" * 300 + ".pdf"]),
    st.binary(max_size=2048),
)


def _choice_values(field) -> list[str]:
    values = []
    try:
        for value, label in field.choices:
            if isinstance(label, (list, tuple)):  # optgroup
                values.extend(str(v) for v, _label in label)
            else:
                values.append(str(getattr(value, "value", value)))
    except Exception:  # a choices iterator that needs more context: fall back to garbage only
        pass
    return values[:50]


def value_strategy(field):
    """Values for one field: mostly plausible for its type, often hostile."""
    if isinstance(field, forms.FileField):
        return st.one_of(files, st.none())
    if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
        choices = _choice_values(field)
        one = st.one_of(st.sampled_from(choices), text) if choices else text
        return st.lists(one, max_size=4)
    if isinstance(field, forms.MultiValueField):
        return st.lists(st.one_of(dates, text, numbers), min_size=len(field.fields), max_size=len(field.fields))
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        choices = _choice_values(field)
        return st.one_of(st.sampled_from(choices), text, numbers) if choices else st.one_of(text, numbers)
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return st.sampled_from(["on", "", "true", "false", "1", "0", "unknown", "\x00"])
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(numbers, text)
    if isinstance(field, forms.DateField | forms.DateTimeField | forms.TimeField | forms.DurationField):
        return st.one_of(dates, text)
    return st.one_of(text, numbers, dates)


def data_strategy(form):
    """A dict of raw POST values: every field present or not (absent is drawn as None), with its widget's names
    (a MultiWidget posts name_0, name_1...)."""
    entries = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            for index, _sub in enumerate(widget.widgets):
                entries[f"{key}_{index}"] = st.one_of(st.none(), text, dates, numbers)
            continue
        entries[key] = st.one_of(st.none(), value_strategy(field))
    # A few names no field has (stray posts) and a revision-like hidden value.
    entries["unexpected"] = st.one_of(st.none(), text)
    return st.fixed_dictionaries(entries)


def split(raw: dict) -> tuple[MultiValueDict, MultiValueDict]:
    data, uploaded = MultiValueDict(), MultiValueDict()
    for key, value in raw.items():
        if value is None:
            continue
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
            uploaded[key] = value
        elif isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        else:
            data[key] = str(value)
    return data, uploaded


# --- The tests -------------------------------------------------------------------------------------------------------

FORMS = discovered_forms()
BUILT = [cls for cls in FORMS if form_id(cls) not in SKIPPED]


def test_every_form_is_covered_or_explained():
    """A new form class either builds with no arguments or gets a FACTORIES row (or a SKIPPED reason)."""
    ids = {form_id(cls) for cls in FORMS}
    assert len(ids) >= 60, sorted(ids)
    assert not (set(FACTORIES) - ids), "FACTORIES rows for forms that no longer exist"
    assert not (set(SKIPPED) - ids)


@pytest.mark.parametrize("form_class", BUILT, ids=form_id)
def test_fuzzed_data_never_breaks_validation(form_class, settings_profile):
    world = World()
    factory = FACTORIES.get(form_id(form_class), lambda w: {})
    kwargs = factory(world)
    template = form_class(**kwargs)  # unbound: its fields (dynamic ones included) decide what to draw

    @settings(settings_profile)
    @given(raw=data_strategy(template))
    def check(raw):
        data, uploaded = split(raw)
        form = form_class(data, uploaded, **factory(world))
        form.is_valid()  # must not raise
        rendered = str(form.errors) + form.errors.as_json() + str(form.non_field_errors())
        if not form.is_valid():
            assert form.errors and rendered
        for error_list in form.errors.values():
            for message in error_list:
                assert isinstance(message, str) and message

    check()


@pytest.fixture
def settings_profile():
    from hypothesis import settings as hypothesis_settings

    return hypothesis_settings.get_profile("battery")

"""The constraints of the edition's questions, checked on the stored answers.

One rule set, used when a draft is saved (the answer form puts each message next to its field) and again at
submission (`services.application_problems`), so nothing the form refuses can be submitted and vice versa:

- texts: at most `max_length` characters (short texts 200 when not set); a line break counts as one;
- numbers: a number within `min_value` and `max_value`;
- dates: a date, not before the date of the question named by `on_or_after`;
- phones: a mainland mobile number or a landline with its area code;
- choices: one of the offered choices.

Empty answers pass here: whether an answer is needed is the submission's completeness check.
"""

import datetime
import decimal

from django.utils.translation import gettext as _

from accounts.validators import PHONE_MESSAGE, is_phone
from awards.enums import QuestionKind

SHORT_TEXT_MAX_LENGTH = 200


def normalise_text(value: str) -> str:
    """Browsers send line breaks as CR LF: store (and count) them as one character."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def max_length_of(question) -> int | None:
    if question.max_length:
        return question.max_length
    if question.kind in (QuestionKind.TEXT, QuestionKind.PHONE):
        return SHORT_TEXT_MAX_LENGTH
    return None


def as_number(value) -> decimal.Decimal | None:
    try:
        number = decimal.Decimal(str(value).strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def figure(number: decimal.Decimal) -> str:
    """12.50 → "12.5", 0.00 → "0"."""
    text = format(decimal.Decimal(number).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _empty(value) -> bool:
    return value in (None, "", [])


def answer_errors(question, value, answers: dict, questions_by_code: dict) -> list[str]:
    """What is wrong with one stored answer (`answers` holds the others, for comparisons between dates)."""
    if _empty(value):
        return []
    kind = question.kind
    errors = []
    if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT, QuestionKind.PHONE):
        text = normalise_text(str(value))
        limit = max_length_of(question)
        if limit and len(text) > limit:
            errors.append(
                _("At most %(max)s characters: this answer has %(n)s, %(over)s too many.")
                % {"max": limit, "n": len(text), "over": len(text) - limit}
            )
        if kind == QuestionKind.PHONE and not is_phone(text):
            errors.append(str(PHONE_MESSAGE))
    elif kind == QuestionKind.NUMBER:
        number = as_number(value)
        if number is None:
            errors.append(_("Enter a number."))
        else:
            if question.min_value is not None and number < question.min_value:
                errors.append(_("Enter at least %(min)s.") % {"min": figure(question.min_value)})
            if question.max_value is not None and number > question.max_value:
                errors.append(_("Enter at most %(max)s.") % {"max": figure(question.max_value)})
    elif kind == QuestionKind.DATE:
        date = as_date(value)
        other = questions_by_code.get(question.on_or_after) if question.on_or_after else None
        other_date = as_date(answers.get(other.code)) if other is not None else None
        if date is None:
            errors.append(_("Enter a date."))
        elif other_date is not None and date < other_date:
            errors.append(
                _("Cannot be before “%(other)s” (%(date)s).")
                % {"other": other.localized("label"), "date": other_date.isoformat()}
            )
    elif kind == QuestionKind.CHOICE and question.choices and value not in question.choices:
        errors.append(_("Choose one of the offered answers."))
    return errors


def answers_errors(questions, answers: dict) -> dict[str, list[str]]:
    """{question code: messages} for every answer in `answers` that breaks its question's constraints."""
    questions = list(questions)
    by_code = {question.code: question for question in questions}
    found = {}
    for question in questions:
        errors = answer_errors(question, answers.get(question.code), answers, by_code)
        if errors:
            found[question.code] = errors
    return found

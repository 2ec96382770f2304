"""Fields and validators of the survey forms (services.survey_forms builds the forms).

Each validator carries its message, already in the citizen's language: WTForms has
no Vietnamese catalogue, so none of its own messages may reach a page.
"""

from __future__ import annotations

import re

from wtforms import SelectMultipleField, StringField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

UUID_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def parse_number(text) -> float | None:
    """A number as people type it ("3,5" is 3.5, as written in Vietnam); None if not one."""
    text = ("" if text is None else str(text)).strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _answered(field) -> bool:
    data = field.raw_data or []
    return any(isinstance(value, str) and value.strip() for value in data)


class Required:
    """The item must be answered; the message names no field (it sits beside it)."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not _answered(field):
            raise StopValidation(self.message)


class Optional:
    """An unanswered optional item: stop here, no error."""

    def __call__(self, form, field):
        if not _answered(field):
            field.errors[:] = []
            raise StopValidation()


class OneOf:
    """Every submitted value is one of the item's values (forged posts are refused)."""

    def __init__(self, values, message: str):
        self.values = set(values)
        self.message = message

    def __call__(self, form, field):
        submitted = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.values for value in submitted):
            raise ValidationError(self.message)


class NumberField(StringField):
    """A number typed by the citizen; a comma decimal ("3,5") is accepted as in Vietnam."""

    widget = NumberInput(step="any")

    def number(self) -> float | None:
        return parse_number(self.data)


class NumberRange:
    """Within the item's min and max (either may be absent)."""

    def __init__(self, low, high, message: str, not_a_number: str):
        self.low, self.high = low, high
        self.message, self.not_a_number = message, not_a_number

    def __call__(self, form, field):
        value = field.number()
        if value is None:
            raise StopValidation(self.not_a_number)
        if (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        ):
            raise ValidationError(self.message)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SubmissionId:
    """The hidden id of a web form: a uuid4 as rendered, nothing else."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if not UUID_SHAPE.fullmatch(field.data or ""):
            raise StopValidation(self.message)


class WhenConsented:
    """Contact fields count only with consent; without it they are ignored entirely."""

    def __call__(self, form, field):
        if not form.contact_consent.data:
            field.errors[:] = []
            raise StopValidation()


class Shape:
    def __init__(self, pattern: re.Pattern, message: str):
        self.pattern, self.message = pattern, message

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if value and not self.pattern.fullmatch(value):
            raise ValidationError(self.message)


class ReachableWithComment:
    """Consent to be contacted needs a comment to be contacted about, and a way to reach."""

    def __init__(self, comment_item: str, no_comment: str, no_way: str):
        self.comment_item, self.no_comment, self.no_way = comment_item, no_comment, no_way

    def __call__(self, form, field):
        if not field.data:
            return
        if not (form[self.comment_item].data or "").strip():
            raise ValidationError(self.no_comment)
        if not (form.contact_phone.data or "").strip() and not (
            form.contact_email.data or ""
        ).strip():
            raise ValidationError(self.no_way)

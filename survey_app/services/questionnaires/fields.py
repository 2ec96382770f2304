"""Fields and validators of the survey forms (services.questionnaires.forms builds them).

Answers to items are not checked here but by `services.responses.answers`; the
validators left are those of the web-only fields (submission id, contact). Each
carries its message, already in the citizen's language: WTForms has no Vietnamese
catalogue, so none of its own messages may reach a page.
"""

from __future__ import annotations

import re

from wtforms import SelectMultipleField, StringField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

UUID_SHAPE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


class RequiredMark:
    """Renders the `required` attribute; the answer itself is checked by
    `services.responses.answers`, not by the field."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


class NumberField(StringField):
    """A number typed by the citizen; a comma decimal ("3,5") is accepted as in Vietnam."""

    widget = NumberInput(step="any")


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

"""Survey forms built from a questionnaire version's definition (questionnaires/FORMAT.md).

`build_form_class(definition, lang)` returns a Flask-WTF form class whose fields are
the questionnaire's items (field name = item id), labelled and validated in `lang`:

scale5, single_choice and yes_no are radios, multiple_choice checkboxes, number and
percentage a number input with min/max, text a textarea (<= 2000 characters).

Every message is written in the citizen's language when the class is built (WTForms
ships no Vietnamese, so no built-in message may reach the page). A web form also
gets a hidden `submission_id` (a re-sent form is recognised), a honeypot field and
the optional contact fields; `web=False` leaves those out, for paper questionnaires.

The forms carry no CSRF field of their own: the survey views check their own form
token (public/form_token.py), the page renders it. A second, form-level check would
only sign and verify a token twice per submission.

The form renders the items and carries CSRF, but does not check the answers:
`validate()` hands what was posted to `services.responses.answers.validate`, the
check every channel makes, and puts each problem under its field in the form's
language (`problem_message`). `form.answers()` then gives the dict
`services.responses.submissions.submit` expects. Each item's field comes from its
kind module (services/questionnaires/kinds/); the field classes live in `fields`.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    StringField,
    TelField,
)
from wtforms.validators import Length

from survey_app.i18n import pick
from survey_app.services.questionnaires import kinds
from survey_app.services.questionnaires.fields import (
    ReachableWithComment,
    Shape,
    SubmissionId,
    WhenConsented,
)
from survey_app.services.questionnaires.files import items_of
from survey_app.services.responses import answers as answer_check
from survey_app.services.responses.submissions import Contact
from survey_app.text_input import REFUSAL, InputForm

HONEYPOT = "website"
CONTACT_FIELDS = ("contact_consent", "contact_name", "contact_phone", "contact_email")
RESERVED = {"csrf_token", "submission_id", HONEYPOT, *CONTACT_FIELDS}
# Lenient on purpose: people write "0901 234 567", "+84 90-123-4567", "(0270) 3822 123".
PHONE_SHAPE = re.compile(r"\+?[0-9 ().\-]{8,24}")
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Item:
    """One item as the template lays it out: its field, its type, required or not."""

    name: str
    kind: str
    required: bool

    @property
    def grouped(self) -> bool:
        """Radio groups and checkboxes are a fieldset with a legend."""
        return kinds.get(self.kind).grouped


@dataclass(frozen=True)
class Section:
    title: str
    items: list[Item]


class SurveyForm(InputForm):
    """Base of every built form; the builder adds one field per item."""

    class Meta:
        csrf = False  # CSRFProtect checks the request (see the module doc)

    definition: dict = {}
    lang = "vi"
    layout: list[Section] = []
    has_contact: bool = False
    checked: answer_check.Checked | None = None

    def is_bot(self) -> bool:
        """A filled honeypot: answered like a success, stored nowhere."""
        field = self._fields.get(HONEYPOT)
        return bool(field is not None and (field.data or "").strip())

    def validate(self, extra_validators=None) -> bool:
        """The web fields by their validators, the answers by `answers.validate`."""
        fine = super().validate(extra_validators)
        raw = {item_id: self[item_id].raw_data or [] for item_id in items_of(self.definition)}
        self.checked = answer_check.validate(self.definition, raw)
        with force_locale(self.lang):
            for problem in self.checked.problems:
                self[problem.field].errors = [problem_message(problem)]
        return fine and self.checked.ok

    def answers(self) -> dict:
        """item id -> int 1-5 | "not_used" | choice | [choices] | "yes"/"no" | float | str.

        Unanswered optional items are left out. Call only after validate().
        """
        if self.checked is None:
            raise RuntimeError("answers() before validate()")
        return dict(self.checked.values)

    def contact(self) -> Contact | None:
        """The contact details, only when the citizen ticked the consent sentence."""
        if not self.has_contact or not self.contact_consent.data:
            return None
        return Contact(
            name=(self.contact_name.data or "").strip(),
            phone=(self.contact_phone.data or "").strip(),
            email=(self.contact_email.data or "").strip(),
        )

    def error_links(self) -> list[tuple[str | None, str, str]]:
        """(anchor, question, first message) in page order, for the summary at the top.

        The anchor is the control to land on: a group's first option, a field itself,
        or None for a hidden field the citizen cannot change.
        """
        links = []
        for field in self:
            if not field.errors:
                continue
            if field.type in {"HiddenField", "CSRFTokenField"}:
                anchor = None
            elif field.type in {"RadioField", "CheckboxesField"}:
                anchor = f"{field.id}-0"
            else:
                anchor = field.id
            links.append((anchor, field.label.text if anchor else "", field.errors[0]))
        return links


# (content digest, lang, web) -> class. Building one costs more than a citizen's
# whole request otherwise; a class holds no per-request state, so it is built once.
_classes: dict[tuple, type[SurveyForm]] = {}
_CLASSES_KEPT = 128


def build_form_class(definition: dict, lang: str, *, web: bool = True) -> type[SurveyForm]:
    """A form class for `definition`, all of its texts and messages in `lang`."""
    key = (_digest(definition), lang, web)
    built = _classes.get(key)
    if built is None:
        if len(_classes) >= _CLASSES_KEPT:
            _classes.clear()
        built = _classes[key] = _build(definition, lang, web=web)
    return built


# id(definition) -> (definition, digest). The citizen's form hands in the same cached
# dict on every request (questionnaires.serving_version); holding it here keeps its id
# from being reused by another object while the entry lives.
_digests: dict[int, tuple[dict, bytes]] = {}


def _digest(definition: dict) -> bytes:
    known = _digests.get(id(definition))
    if known is not None and known[0] is definition:
        return known[1]
    digest = hashlib.sha256(
        json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).digest()
    if len(_digests) >= 16:  # other callers load a fresh dict each time: keep few
        _digests.clear()
    _digests[id(definition)] = (definition, digest)
    return digest


def _build(definition: dict, lang: str, *, web: bool) -> type[SurveyForm]:
    with force_locale(lang):
        attrs: dict = {"definition": definition, "lang": lang}
        sections = []
        for section in definition["sections"]:
            laid_out = []
            for item in section["items"]:
                if item["id"] in RESERVED or hasattr(SurveyForm, item["id"]):
                    raise ValueError(f"item id {item['id']!r} is reserved by the survey form")
                attrs[item["id"]] = _field_for(item, definition, lang)
                laid_out.append(Item(item["id"], item["type"], bool(item.get("required"))))
            sections.append(Section(pick(section["title"], lang), laid_out))
        attrs["layout"] = sections
        if web:
            attrs.update(_web_fields(definition))
    return type("BuiltSurveyForm", (SurveyForm,), attrs)


# --- fields -------------------------------------------------------------------------


def _field_for(item: dict, definition: dict, lang: str) -> Field:
    return kinds.get(item["type"]).field(item, definition, lang)


def _range_message(low=None, high=None) -> str:
    if low is not None and high is not None:
        return _("Please enter a number from %(low)s to %(high)s.", low=low, high=high)
    if low is not None:
        return _("Please enter a number of at least %(low)s.", low=low)
    return _("Please enter a number of at most %(high)s.", high=high)


# A problem's code -> its sentence beside the field (WTForms ships no Vietnamese).
PROBLEM_MESSAGES: dict[str, Callable[..., str]] = {
    answer_check.REQUIRED: lambda: _("Please answer this question."),
    "not_one_of": lambda: _("Please choose one of the answers shown."),
    "not_number": lambda: _("Please enter a number."),
    "out_of_range": _range_message,
    "too_long": lambda limit: _("Please keep this to at most %(limit)s characters.",
                                limit=limit),
    "control_character": lambda: str(REFUSAL),
}


def problem_message(problem: answer_check.Problem) -> str:
    """The sentence for `problem` in the current language."""
    return PROBLEM_MESSAGES[problem.code](**problem.params)


# --- web-only fields: submission id, honeypot, contact --------------------------------


def _new_submission_id() -> str:
    return str(uuid.uuid4())


def _web_fields(definition: dict) -> dict:
    fields = {
        "submission_id": HiddenField(
            default=_new_submission_id,
            validators=[SubmissionId(_("This form is damaged. Please reload the page."))],
        ),
        # Bots fill every field; people never see this one (hidden by CSS, out of the
        # tab order, labelled "leave empty" for screen readers).
        HONEYPOT: StringField(
            _("Leave this field empty"),
            render_kw={"tabindex": "-1", "autocomplete": "off"},
        ),
    }
    comment = next(
        (i["id"] for i in items_of(definition).values() if i["type"] == "text"), None
    )
    if comment is None:
        return fields
    fields.update(
        has_contact=True,
        contact_consent=BooleanField(
            _("I agree that the agency may contact me about this comment, using the "
              "details below. They are used only for that and deleted afterwards."),
            validators=[ReachableWithComment(
                comment,
                _("Please write your comment above, so that we know what to contact "
                  "you about."),
                _("Please give a phone number or an e-mail address."),
            )],
        ),
        contact_name=StringField(
            _("Your name"), render_kw={"autocomplete": "name"},
            validators=[WhenConsented(), Length(max=200, message=_("This is too long."))],
        ),
        contact_phone=TelField(
            _("Phone number"), render_kw={"autocomplete": "tel"},
            validators=[WhenConsented(), Shape(PHONE_SHAPE, _(
                "Please enter a phone number with its digits, e.g. 0901 234 567."))],
        ),
        contact_email=EmailField(
            _("E-mail address"), render_kw={"autocomplete": "email"},
            validators=[WhenConsented(), Length(max=200, message=_("This is too long.")),
                        Shape(EMAIL_SHAPE, _(
                            "Please enter an e-mail address like name@example.com."))],
        ),
    )
    return fields

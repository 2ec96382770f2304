"""The product's words, once: codes stored in the database and the label shown for each.

Every concept with a fixed list of values is a `StrEnum` here; a member equals its
code (``Channel.KIOSK == "kiosk"``), so rows, query strings and JSON keep plain
strings. Labels go through Flask-Babel's `lazy_gettext` (English msgid, Vietnamese
in ``translations/vi``), so the glossary is the catalogue: one word per thing.

API (the same on every enum):

- ``Channel.KIOSK.label``: the label, a lazy string translated when rendered.
- ``Channel.KIOSK.vi``: the Vietnamese label whatever the request's language (the
  PDF and XLSX reports are Vietnamese); needs an app context, like gettext.
- ``Channel.values()``: the codes, in declaration order (a tuple of str).
- ``Channel.choices()``: ``SelectChoice(code, label)`` items for a WTForms ``SelectField``.
- ``Channel.labels()``: ``{code: label}`` for templates.
- ``Channel.label_of(code)``: the label of a raw code, or the code itself when it is
  not a member (free-text comment tags, data from an older version).
- ``Channel.check("channel")``: the SQL of a CHECK constraint on that column.

Questionnaire text (questions, answer options) lives in the questionnaire files,
and names of places and agencies in the reference files, not here.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice


class Labelled(StrEnum):
    """A code with its label. Members are declared as ``NAME = "code", _l("Label")``."""

    label: LazyString

    def __new__(cls, code: str, label: LazyString) -> Labelled:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @property
    def vi(self) -> str:
        with force_locale("vi"):
            return str(self.label)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        return [SelectChoice(member.value, member.label) for member in cls]

    @classmethod
    def labels(cls) -> dict[str, LazyString]:
        return {member.value: member.label for member in cls}

    @classmethod
    def label_of(cls, code: str) -> LazyString | str:
        return next((member.label for member in cls if member.value == code), code)

    @classmethod
    def check(cls, column: str) -> str:
        # Codes are identifiers declared below, never user input: plain quoting is safe.
        return f"{column} IN ({', '.join(repr(code) for code in cls.values())})"


class Channel(Labelled):
    """How a response came in. The order is the CHECK constraint's (migration 3bcb467eb731)."""

    TOKEN = "token", _l("Transaction link (verified)")
    COUNTER = "counter", _l("Counter QR code (open)")
    KIOSK = "kiosk", _l("Kiosk")
    PAPER = "paper", _l("Paper questionnaire")
    LINK = "link", _l("Shared link")


class Role(Labelled):
    """A staff account's role; what each may read is in services/access/scope.py."""

    ADMIN = "admin", _l("Administrator (Home Affairs: everything)")
    ANALYST = "analyst", _l("Analyst (a department: its sectors and agencies)")
    AGENCY = "agency", _l("Agency (one agency and its sub-units)")
    VIEWER = "viewer", _l("Viewer (figures only, no comments)")


class QuestionnaireKind(Labelled):
    """Which instrument a questionnaire is (the ``kind`` of a questionnaire file)."""

    ADMINISTRATIVE = "administrative", _l("Administrative procedures")
    HEALTH_INPATIENT = "health_inpatient", _l("Health: inpatients")
    HEALTH_OUTPATIENT = "health_outpatient", _l("Health: outpatients")
    EDUCATION_PARENT = "education_parent", _l("Education: parents")


class RespondentGroup(Labelled):
    """Who a campaign surveys."""

    INPATIENT = "inpatient", _l("Inpatients")
    OUTPATIENT = "outpatient", _l("Outpatients")
    PARENT = "parent", _l("Parents")
    PUPIL = "pupil", _l("Pupils")


class Verdict(Labelled):
    """A target's verdict; `analysis.verdicts` returns these codes as plain strings."""

    MET = "met", _l("Met")
    NOT_MET = "not_met", _l("Not met")
    UNDECIDED = "undecided", _l("Not yet decidable")


class CommentStatus(Labelled):
    NEW = "new", _l("New")
    ASSIGNED = "assigned", _l("Assigned")
    HANDLED = "handled", _l("Handled")


class CaseState(Labelled):
    """A feedback case's state (services/feedback/cases.py has the steps between them)."""

    NEW = "new", _l("New")
    ASSIGNED = "assigned", _l("Assigned")
    IN_PROGRESS = "in_progress", _l("In progress")
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed")


class CaseKind(Labelled):
    """Why a comment is a feedback case (reference/feedback_cases.yaml)."""

    COMPLAINT = "complaint", _l("Complaint")
    PROPOSAL = "proposal", _l("Proposal")
    LOW_SCORE = "low_score", _l("Low score")


class CaseRating(Labelled):
    """The citizen's rating of how their feedback was handled."""

    SATISFIED = "satisfied", _l("Satisfied")
    UNSATISFIED = "unsatisfied", _l("Not satisfied")


class CaseEventKind(Labelled):
    """One line of a case's thread and history."""

    OPENED = "opened", _l("Case opened")
    STATE = "state", _l("State changed")
    OWNER = "owner", _l("Owner agency changed")
    NOTE = "note", _l("Internal note")
    REPLY = "reply", _l("Answer to the citizen")
    RATING = "rating", _l("The citizen's rating")
    REPLY_LINK = "reply_link", _l("Reply link sent")


class AgencyLevel(Labelled):
    """An agency's administrative level (the codes of reference/agencies.yaml ``levels``)."""

    PROVINCE = "province", _l("Province")
    DEPARTMENT = "department", _l("Department or board")
    COMMUNE = "commune", _l("Commune or ward")
    DISTRICT = "district", _l("District (abolished on 1 July 2025)")
    FACILITY = "facility", _l("Public health or education facility")


class CommentTag(Labelled):
    """The usual tags of a comment. Staff may type others: show them with `label_of`."""

    WAITING_TIME = "thoi-gian-cho", _l("Waiting time")
    DOSSIER = "ho-so", _l("Dossier and documents")
    TIMELINESS = "tien-do", _l("Timeliness of results")
    PREMISES = "co-so-vat-chat", _l("Premises and equipment")
    ATTITUDE = "thai-do", _l("Staff attitude")
    INFORMATION = "thong-tin", _l("Information and guidance")
    ONLINE = "truc-tuyen", _l("Online public services")
    TEACHING = "hoat-dong", _l("Teaching and school activities")
    PRAISE = "khen", _l("Praise")


class Term(Labelled):
    """Words that must never be confused: a quota is not a count of responses."""

    RESPONSES = "responses", _l("Responses")
    QUOTA = "quota", _l("Quota")

"""The one base of the errors services raise: `DomainError`, a code and its parameters.

A service says what went wrong as a code with the values its sentence needs
(`AccountError("password_short", length=12)`) and writes no sentence. Each code's
sentence is one gettext msgid in `MESSAGES`, translated at the edge:

- the web: `describe(error)` in the reader's language; a DomainError that no view
  catches becomes its `status` (a 4xx) with that message (`web.py`; JSON under /api/);
- the command line: one line `error: <the English sentence>` and exit 2
  (`commands/refusal.py` does it for every command).

`str(error)` is the English sentence (logs, tests). A code without a sentence is a
programming error: raising it fails at once.
"""

from __future__ import annotations

from flask_babel import force_locale, gettext


def N_(msgid: str) -> str:
    """Marks a msgid for the catalogue (one of pybabel's default keywords); the edge
    translates it."""
    return msgid


MESSAGES: dict[str, str] = {
    # staff accounts (services/access/accounts.py, users_admin.py)
    "password_short": N_("the password must have at least %(length)s characters"),
    "password_repetitive": N_("the password is too repetitive"),
    "password_has_username": N_("the password must not contain the username"),
    "password_common": N_("the password is too common: choose a phrase of several words"),
    "password_guessable": N_("the password is too easy to guess"),
    "password_weak": N_("the password is too easy to guess: choose a phrase of several "
                        "unrelated words, or let the app generate one"),
    "no_password": N_("no password on standard input"),
    "account_unknown": N_("no such account"),
    "username_empty": N_("the username is empty"),
    "username_taken": N_("the username “%(username)s” is taken"),
    "role_unknown": N_("Unknown role; choose one of %(roles)s."),
    "admin_scoped": N_("An administrator reads everything: choose no sectors or agencies."),
    "agency_scope": N_("An agency account needs exactly one agency and no sectors."),
    "scope_empty": N_("This role needs at least one sector or agency."),
    "scope_unknown": N_("A chosen sector or agency does not exist."),
    "sector_codes_unknown": N_("unknown sector code(s): %(codes)s"),
    "agency_codes_unknown": N_("unknown agency code(s): %(codes)s"),
    "username_unknown": N_("No account is named %(name)s."),
    "last_admin": N_("This is the last active administrator: create another one first."),
    # campaigns (services/campaigns/setup.py)
    "campaign_closed": N_("This campaign is closed: it can no longer be changed."),
    "sector_not_surveyed": N_("Choose the health or education sector."),
    "sector_not_managed": N_("You may not run campaigns in this sector."),
    "name_missing": N_("Give the campaign a name."),
    "questionnaire_unfit": N_("This questionnaire does not fit the sector."),
    "questionnaire_fixed": N_("The questionnaire cannot change: this campaign already has "
                              "responses."),
    "group_missing": N_("Choose a respondent group."),
    "window_reversed": N_("The closing day is before the opening day."),
    "margin_outside": N_("The margin of error must be between 0.5 and 20 percent."),
    "previous_unfit": N_("Choose an earlier campaign of the same sector."),
    "facility_unfit": N_("A chosen facility is not a facility of this sector."),
    "volume_not_positive": N_("%(name)s: the volume must be a positive number."),
    "quota_not_positive": N_("%(name)s: the quota must be a positive number."),
    "facilities_missing": N_("Choose at least one facility."),
    "facility_answered": N_("%(name)s already has responses and stays in the campaign."),
    "facility_overlap": N_("%(facility)s is already in the campaign “%(campaign)s” at the "
                           "same time with this kind of questionnaire."),
    "no_department": N_("No department handles this sector in the reference data."),
    # spreadsheet files (services/paper/files.py)
    "file_type": N_("the file must be .csv or .xlsx"),
    "too_many_rows": N_("more than %(rows)s questionnaires: split the file"),
    "file_empty": N_("the file is empty"),
    "csv_not_utf8": N_("the CSV file is not UTF-8 text (save it as “CSV UTF-8”)"),
    "csv_row_too_wide": N_("row %(row)s is too wide or has a cell too long"),
    "csv_invalid": N_("row %(row)s is not valid CSV"),
    "xlsx_unreadable": N_("the file is not a readable XLSX workbook"),
    "xlsx_too_wide": N_("the sheet has more than %(columns)s columns"),
    "xlsx_too_large": N_("the workbook is too large once unpacked"),
    "xlsx_dtd": N_("the workbook holds a DTD or entities, which are refused"),
    # paper imports (services/paper/imports.py)
    "file_invalid": N_("the file has %(count)s problem(s); nothing was stored"),
    "already_imported": N_("this content was already imported (as “%(name)s”, %(rows)s "
                           "questionnaires); nothing was stored"),
}


class DomainError(Exception):
    """What a service refuses: `code` (a key of MESSAGES) and the sentence's `params`."""

    status = 400  # of the web reply when no view catches it

    def __init__(self, code: str, /, **params):
        if code not in MESSAGES:
            raise KeyError(f"error code {code!r} has no message in survey_app.errors")
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return _filled(MESSAGES[self.code], self.params)


def describe(error: DomainError, lang: str | None = None) -> str:
    """The error's sentence in `lang`, or in the current language (of the request)."""
    if lang is not None:
        with force_locale(lang):
            return describe(error)
    return _filled(gettext(MESSAGES[error.code]), error.params)


def _filled(sentence: str, params: dict) -> str:
    return sentence % params if params else sentence

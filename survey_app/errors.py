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
    # monthly partitions (services/partitions.py)
    "partition_rows_in_default": N_("%(table)s: %(rows)s row(s) of %(month)s are in "
                                    "%(table)s_default; move them out before creating "
                                    "%(partition)s (docs/deployment.md §8)"),
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
    # second factor (services/access/totp.py)
    "secret_invalid": N_("the secret is not valid base32"),
    "code_mismatch_clock": N_("the code does not match: check the phone's clock and try again"),
    "code_mismatch": N_("the code does not match"),
    "no_second_factor": N_("%(name)s has no second factor to reset"),
    # API keys (services/access/api_keys.py) and posters (services/printing/posters.py)
    "agency_unknown": N_("unknown agency '%(code)s'"),
    "key_name_too_long": N_("the name is longer than %(n)s characters"),
    "key_prefix_unknown": N_("no key has the prefix '%(prefix)s'"),
    "key_prefix_shared": N_("%(count)s keys share the prefix '%(prefix)s'"),
    "not_a_key": N_("not an API key"),
    "key_unknown": N_("unknown API key"),
    "key_revoked": N_("this API key has been revoked"),
    # invitations and their tokens (services/responses/invitations.py; the API's codes)
    "invalid_invitation": N_("the invitation cannot be issued"),
    "unknown_counter": N_("unknown counter '%(counter)s'"),
    "inactive_counter": N_("counter '%(counter)s' is no longer in service"),
    "counter_of_another_agency": N_("counter '%(counter)s' does not belong to this key's "
                                    "agency or its units"),
    "unknown_sector": N_("unknown sector '%(code)s'"),
    "unknown_procedure": N_("unknown procedure '%(code)s'"),
    "sector_not_served": N_("counter '%(counter)s' does not serve sector '%(sector)s'"),
    "sector_required": N_("counter '%(counter)s' serves several sectors: give a sector or a "
                          "procedure"),
    "procedure_of_another_sector": N_("procedure '%(procedure)s' belongs to sector "
                                      "'%(its_sector)s', not '%(sector)s'"),
    "dossier_answered": N_("the survey of this dossier has already been answered"),
    "bad_dossier": N_("dossier must be 1 to %(n)s characters"),
    "bad_ttl": N_("ttl_days must be between 1 and %(n)s"),
    "token_unknown": N_("unknown token"),
    "token_used": N_("this survey has already been answered"),
    "token_expired": N_("this survey link has expired"),
    "token_replaced": N_("a newer link replaced this one"),
    "login_refused": N_("Wrong username or password, or the account is locked for a while."),
    # the citizen's path (services/responses/): pages, not sentences, answer these
    "counter_not_in_service": N_("no counter in service with code '%(code)s'"),
    "procedure_not_served": N_("counter '%(counter)s' has no procedure '%(procedure)s'"),
    "sector_choice_needed": N_("counter '%(counter)s' serves several sectors: pick one"),
    "no_questionnaire": N_("no published %(kind)s questionnaire"),
    "details_gone": N_("the second page of this response is closed"),
    "ticket_expired": N_("the kiosk ticket has expired"),
    "ticket_invalid": N_("the kiosk ticket is not valid"),
    "font_missing": N_("font %(name)s.ttf not found in %(folders)s: install the "
                       "fonts-liberation2 package"),
    # questionnaire and reference files (services/questionnaires/, services/reference/)
    "file_problems": N_("%(problems)s"),  # the checkers' own lines, for the people who edit
    "questionnaire_kind_changed": N_("%(path)s: kind: questionnaire '%(code)s' is "
                                     "'%(kind)s', the file says '%(said)s'; a new kind needs "
                                     "a new id"),
    "questionnaire_published": N_("%(path)s: version: version %(version)s of '%(code)s' is "
                                  "published and cannot change; give the changed file a new "
                                  "version number"),
    "questionnaire_version_twice": N_("%(path)s: version: version %(version)s of '%(code)s' "
                                      "is also in %(other)s; one file per version"),
    "kind_unknown": N_("unknown question type %(name)s; known: %(known)s"),
    # campaigns (services/campaigns/setup.py)
    "campaign_not_found": N_("There is no campaign %(id)s within your scope."),
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
    # periods, reports and retention (services/reporting/, services/responses/retention.py)
    "year_outside": N_("'%(value)s': the year must be between %(low)s and %(high)s"),
    "date_missing": N_("'%(value)s': one of the dates does not exist"),
    "period_reversed": N_("'%(value)s': the end date is before the start date"),
    "period_too_long": N_("'%(value)s': a custom period may span at most ten years"),
    "period_unknown": N_("'%(value)s' is not a period: write a quarter (2025-Q3), a "
                         "half-year (2025-H1), a year (2025) or dates (2025-01-01..2025-03-31)"),
    "outside_scope": N_("This choice is not within your scope."),
    "both_narrowings": N_("Choose a sector or an agency, not both."),
    "channels_unknown": N_("unknown channel(s): %(channels)s"),
    "dimension_unknown": N_("unknown dimension '%(dimension)s'; choose one of %(dimensions)s"),
    "retention_unknown": N_("'%(value)s' is not a period: write e.g. 730d, 104w or 2y"),
    "retention_too_short": N_("the period must be at least one day"),
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
    # comments (services/responses/comments.py)
    "comment_not_found": N_("There is no comment %(id)s within your scope."),
    "comments_not_readable": N_("This role reads figures only, not comments."),
    "comments_not_editable": N_("This role may not change comments."),
    "status_unknown": N_("Unknown status."),
    "tag_invalid": N_("A tag may hold letters, digits, spaces and hyphens, at most %(n)s "
                      "characters."),
    "too_many_tags": N_("At most %(n)s tags."),
    "note_too_long": N_("The reply note may have at most %(n)s characters."),
    "note_missing": N_("Write a reply note to mark the comment handled."),
    "comment_is_case": N_("This comment is a feedback case: answer it on the case's page."),
    "agency_out_of_scope": N_("Choose an agency within your scope."),
    # feedback cases (services/feedback/)
    "case_not_found": N_("There is no case %(id)s within your scope."),
    "action_unknown": N_("Unknown action."),
    "action_not_now": N_("This action is not possible in the case's current state."),
    "case_text_too_long": N_("A note or reply may have at most %(n)s characters."),
    "case_text_missing": N_("Write the note or the reply first."),
    "cases_not_editable": N_("This role may not change cases."),
    "case_of_another_agency": N_("Only the owner agency or Home Affairs may change this case."),
    "case_agency_out_of_scope": N_("Choose an agency in service within your scope."),
    "answer_first": N_("Send the answer first: the link shows it to the citizen."),
    "no_contact": N_("The citizen gave no contact details with consent."),
    "reply_link_invalid": N_("This reply link is unknown, used or expired."),
    "state_unknown": N_("Unknown state."),
    "case_kind_unknown": N_("Unknown kind of case."),
    "score_outside": N_("A score is from 1 to 5."),
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

"""Forms of the campaign pages: the campaign itself, its facility table, a paper import.

The facility table is one row per eligible facility (include, volume, quota) read
straight from the posted form: its rows depend on the sector, and plain named
inputs (`include-<id>`, `volume-<id>`, `quota-<id>`) need no script to grow.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.validators import Optional as OptionalValidator

from survey_app.services.campaigns import setup as campaigns
from survey_app.staff.arguments import whole_number
from survey_app.text_input import InputForm
from survey_app.vocabulary import RespondentGroup


class CampaignForm(InputForm):
    name_vi = StringField(_l("Name (Vietnamese)"),
                          validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name (English, optional)"), validators=[Length(max=300)])
    version = SelectField(_l("Questionnaire"), coerce=int, validators=[InputRequired()])
    respondent_group = SelectField(_l("Respondent group"), validators=[DataRequired()])
    opens_on = DateField(_l("Opens on (local date)"), validators=[DataRequired()])
    closes_on = DateField(_l("Closes on (last day, local date)"), validators=[DataRequired()])
    margin = DecimalField(
        _l("Wanted margin of error (%)"), places=1,
        validators=[OptionalValidator(), NumberRange(min=0.5, max=20)],
        description=_l("Used to propose each facility's quota from its volume, "
                       "at a confidence level of 0.95."),
    )
    previous = SelectField(_l("Previous wave (for comparison)"), coerce=int, default=0)

    def fill_choices(self, sector, lang: str, exclude_id: int | None = None) -> None:
        self.version.choices = [
            (v.id, f"{v.title_vi if lang == 'vi' else v.title_en} (v{v.version})")
            for v in campaigns.versions_for(sector)
        ]
        self.respondent_group.choices = RespondentGroup.choices()
        self.previous.choices = [(0, "—")] + [
            (c.id, c.name_vi if lang == "vi" else c.name_en)
            for c in campaigns.previous_candidates(sector.id, exclude_id)
        ]


class ImportForm(InputForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired()])


def facility_rows(form_data, facilities, current: dict | None = None):
    """(rows to show, FacilityInput list, problems) from the posted facility table.

    `current` maps agency id -> CampaignFacility for the edit page's starting values.
    """
    current = current or {}
    rows, chosen, problems = [], [], []
    for agency in facilities:
        existing = current.get(agency.id)
        include, volume, quota = _facility_cells(form_data, agency.id, existing)
        rows.append({"agency": agency, "include": include, "volume": volume, "quota": quota,
                     "code": existing.code if existing else None})
        if form_data is None or not include:
            continue
        numbers = []
        for text in (volume, quota):
            number = whole_number(text)
            if text and number is None:
                problems.append(agency.name_vi)
            numbers.append(number)
        chosen.append(campaigns.FacilityInput(agency.id, numbers[0], numbers[1]))
    return rows, chosen, problems


def _facility_cells(form_data, agency_id: int, existing) -> tuple[bool, str, str]:
    """(included, volume, quota) of one facility's row: as posted, or as stored."""
    if form_data is None:
        if existing is None:
            return False, "", ""
        return True, str(existing.volume or ""), str(existing.quota or "")
    return (form_data.get(f"include-{agency_id}") == "on",
            (form_data.get(f"volume-{agency_id}") or "").strip(),
            (form_data.get(f"quota-{agency_id}") or "").strip())

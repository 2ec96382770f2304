"""Staff pages of sector survey campaigns: list, create, edit, close, progress, QR, posters.

Seeing a campaign follows the reader's scope (`Scope.campaigns_filter`); running one
(create, edit, close, paper forms, imports) needs `campaigns.may_manage`. A
campaign out of reach answers 404, so its existence is not revealed either.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import Sector
from survey_app.routing import Views
from survey_app.services.access.scope import Scope
from survey_app.services.campaigns import posters as campaign_posters
from survey_app.services.campaigns import progress as progress_service
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.printing import qr
from survey_app.staff.campaign_forms import CampaignForm, facility_rows
from survey_app.vocabulary import RespondentGroup

views = Views()


def visible_or_404(campaign_id: int):
    try:
        return campaigns.get_visible(campaign_id, Scope.for_user(current_user))
    except campaigns.CampaignNotFound:
        abort(404)


def managed_or_404(campaign_id: int):
    try:
        return campaigns.get_managed(campaign_id, current_user)
    except campaigns.CampaignNotFound:
        abort(404)


@views.get("/campaigns")
def campaign_list():
    scope = Scope.for_user(current_user)
    return render_template(
        "staff/campaigns/list.html", campaigns=campaigns.visible_campaigns(scope),
        sectors=campaigns.manageable_sectors(current_user), state=campaigns.window_state,
    )


@views.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    sectors = {s.code: s for s in campaigns.manageable_sectors(current_user)}
    sector = sectors.get(request.args.get("sector", ""))
    if sector is None:
        if len(sectors) != 1:
            abort(404)
        sector = next(iter(sectors.values()))
    form = CampaignForm(data={"margin": Decimal("5")})
    form.fill_choices(sector, _lang())
    return _campaign_form(form, sector, None)


@views.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def campaign_edit(campaign_id: int):
    campaign = managed_or_404(campaign_id)
    first, last = campaigns.local_days(campaign)
    form = CampaignForm(data={
        "name_vi": campaign.name_vi, "name_en": campaign.name_en,
        "version": campaign.questionnaire_version_id,
        "respondent_group": campaign.respondent_group, "opens_on": first,
        "closes_on": last, "previous": campaign.previous_campaign_id or 0,
        "margin": Decimal(str(round(campaign.margin * 100, 1))) if campaign.margin else None,
    })
    form.fill_choices(campaign.sector, _lang(), exclude_id=campaign.id)
    return _campaign_form(form, campaign.sector, campaign)


def _campaign_form(form: CampaignForm, sector: Sector, campaign):
    facilities = campaigns.facilities_for(sector.id)
    current = {f.agency_id: f for f in campaign.facilities} if campaign else {}
    posted = request.form if request.method == "POST" else None
    rows, chosen, problems = facility_rows(posted, facilities, current)
    error = None
    if form.validate_on_submit():
        if problems:
            error = _("Volumes and quotas are whole numbers: check %(names)s.",
                      names=", ".join(problems))
        else:
            data = campaigns.CampaignInput(
                name_vi=form.name_vi.data, name_en=form.name_en.data, sector_id=sector.id,
                version_id=form.version.data, respondent_group=form.respondent_group.data,
                opens_on=form.opens_on.data, closes_on=form.closes_on.data,
                margin=float(form.margin.data) / 100 if form.margin.data else None,
                previous_campaign_id=form.previous.data or None, facilities=chosen,
            )
            try:
                if campaign is None:
                    campaign = campaigns.create(data, current_user)
                else:
                    campaigns.update(campaign, data, current_user)
            except campaigns.CampaignError as refused:
                db.session.rollback()
                error = describe(refused)
            else:
                flash(_("The campaign is saved."), "info")
                return redirect(url_for("staff.campaign_progress", campaign_id=campaign.id))
    status = 422 if request.method == "POST" else 200
    return render_template("staff/campaigns/form.html", form=form, sector=sector,
                           campaign=campaign, rows=rows, error=error), status


@views.post("/campaigns/<int:campaign_id>/close")
def campaign_close(campaign_id: int):
    campaign = managed_or_404(campaign_id)
    campaigns.close_now(campaign)
    flash(_("The campaign is closed: its links no longer take answers."), "info")
    return redirect(url_for("staff.campaign_progress", campaign_id=campaign.id))


@views.get("/campaigns/<int:campaign_id>")
def campaign_progress(campaign_id: int):
    campaign = visible_or_404(campaign_id)
    scope = Scope.for_user(current_user)
    first, last = campaigns.local_days(campaign)
    base = current_app.config["PUBLIC_BASE_URL"]
    links = {f.code: campaigns.facility_url(base, f.code) for f in campaign.facilities}
    return render_template(
        "staff/campaigns/progress.html", campaign=campaign, first=first, last=last,
        state=campaigns.window_state(campaign), links=links,
        progress=progress_service.progress(campaign, scope),
        may_manage=campaigns.may_manage(current_user, scope, campaign.sector_id),
        group=RespondentGroup.label_of(campaign.respondent_group),
    )


@views.get("/campaigns/<int:campaign_id>/qr/<code>.svg")
def campaign_qr(campaign_id: int, code: str):
    campaign = visible_or_404(campaign_id)
    if code not in {f.code for f in campaign.facilities}:
        abort(404)
    url = campaigns.facility_url(current_app.config["PUBLIC_BASE_URL"], code)
    return Response(qr.svg(url), mimetype="image/svg+xml")


@views.get("/campaigns/<int:campaign_id>/posters.pdf")
def campaign_posters_pdf(campaign_id: int):
    campaign = visible_or_404(campaign_id)
    only = request.args.get("facility")
    pdf = campaign_posters.posters(campaign, current_app.config["PUBLIC_BASE_URL"], only)
    if pdf is None:
        abort(404)
    name = f"poster-{campaign.code}{'-' + only if only else ''}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")

"""axe-core in Chromium: no serious or critical violation on any page a citizen can meet.

axe-core comes from PyPI (axe-playwright-python bundles axe.min.js). It is injected
through the DevTools protocol (`page.evaluate`), which the page's CSP does not block,
so the pages are checked exactly as served: CSP on, no inline style or script.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from pages import COUNTER, CounterSurvey, Kiosk, expect
from sqlalchemy import select

from support import missing_part
from survey_app.extensions import db
from survey_app.models import Counter, Invitation, utcnow
from survey_app.services.responses import tokens

pytestmark = pytest.mark.browser

SEVERAL = "ttphc-tu-phap"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing_part("axe-playwright-python is not installed (it bundles axe-core)")
    return Axe().axe_script


def serious_violations(page, axe_source) -> list[str]:
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"] if v["impact"] in SERIOUS
    ]


def invitation(app, *, expires_in=timedelta(days=30)) -> str:
    token = tokens.new_token()
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        db.session.add(Invitation(
            token_sha256=tokens.sha256_hex(token), counter_id=counter.id,
            sector_id=counter.sectors[0].id, expires_at=utcnow() + expires_in))
        db.session.commit()
    return token


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_serious_violation_on_the_citizens_pages(app, live, chromium, axe_source, lang):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(label: str, *, shows: str = "main"):
        """Checks the page once it shows `shows` (a selector), loaded: never the last one."""
        expect(page.locator(shows).first).to_be_visible()
        page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        found[label] = serious_violations(page, axe_source)

    def visit(label: str, path: str, status: int = 200):
        response = survey.visit(f"{path}?lang={lang}")
        assert response.status == status, label
        check(label)

    survey = CounterSurvey(page, live, lang=lang)
    kiosk = Kiosk(page, live, lang=lang)
    try:
        visit("counter survey", f"/c/{COUNTER}")
        survey.send_with_errors()
        check("counter survey with errors", shows=".error-summary")
        # The language switch (a button of the form): the same form, answers kept.
        other = "en" if lang == "vi" else "vi"
        survey.check_overall(2)
        survey.switch_language(other)
        expect(page.locator("html")).to_have_attribute("lang", other)
        expect(page.locator("#q_overall input").nth(2)).to_be_checked()
        survey.switch_language(lang)
        check("counter survey after switching language twice", shows="#q_overall input:checked")
        visit("sector picker", f"/c/{SEVERAL}")
        survey.visit(f"/c/{SEVERAL}?sector=")
        check("sector picker with error")
        visit("token survey", f"/t/{invitation(app)}")
        visit("kiosk", f"/k/{COUNTER}")
        kiosk.choose_face()
        check("kiosk thank-you")
        kiosk.tell_more()
        check("kiosk second page", shows="textarea")
        visit("kiosk sector picker", f"/k/{SEVERAL}")
        visit("thank-you", "/thanks")
        visit("unknown counter", "/c/no-such-counter", 404)
        visit("expired link", f"/t/{invitation(app, expires_in=timedelta(seconds=-1))}", 410)
        visit("unknown link", f"/t/{tokens.new_token()}", 404)
        used = invitation(app)
        survey.visit(f"/t/{used}")
        survey.check_overall(4)  # an overall answer, then send
        survey.send()
        check("thank-you with the second page's link")
        survey.answer_more()
        more = page.url.removeprefix(live)
        check("second page")
        survey.send_second_page()
        check("thank-you after the second page")
        visit("second page closed", more, 410)
        visit("used link", f"/t/{used}", 410)
        visit("page not found", "/no-such-page", 404)
        # A stale form: its token is gone when it is sent; it comes back with its answer.
        survey.open(f"?lang={lang}")
        page.evaluate("document.querySelector('[name=csrf_token]').remove()")
        survey.check_overall(3)
        survey.press_send()
        check("stale form shown again", shows=".notice")
        expect(page.locator("#q_overall input").nth(3)).to_be_checked()
        # A stale kiosk page asks for the face again.
        kiosk.open(f"?lang={lang}")
        page.evaluate("document.querySelector('[name=csrf_token]').remove()")
        kiosk.press_face()
        check("stale kiosk page", shows="#kiosk-error")
        # The check itself works: a picture without a text alternative is caught.
        page.set_content('<html lang="vi"><body><main><img src="x.png"></main></body></html>')
        assert any(v.startswith("image-alt") for v in serious_violations(page, axe_source))
    finally:
        context.close()
    assert len(found) == 22
    assert {label: v for label, v in found.items() if v} == {}

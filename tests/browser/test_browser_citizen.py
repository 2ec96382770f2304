"""A citizen on a phone: poster QR -> form -> thanks; receipt link -> form -> used; kiosk."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from pages import COUNTER, CounterSurvey, Kiosk, expect, settled
from PIL import Image
from sqlalchemy import select

from support import PROJECT, stored_responses
from survey_app.extensions import db
from survey_app.models import Counter, Invitation, Procedure, utcnow
from survey_app.services.printing import posters, qr
from survey_app.services.responses import tokens

pytestmark = pytest.mark.browser

IMAGES = PROJECT / "docs" / "img"  # the first screens docs/citizen.md shows
PHONE_HEIGHT = 844


def decode_qr(png: bytes) -> str:
    import zxingcpp

    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return code.text


def poster_png(app, base_url: str) -> bytes:
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        return posters.png(posters.poster_of(counter, base_url))


def invitation(app) -> str:
    token = tokens.new_token()
    with app.app_context():
        procedure = db.session.execute(
            select(Procedure).where(Procedure.code == "cap-gcn-lan-dau")).scalar_one()
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        db.session.add(Invitation(
            token_sha256=tokens.sha256_hex(token), counter_id=counter.id,
            sector_id=procedure.sector_id, procedure_id=procedure.id,
            expires_at=utcnow() + timedelta(days=30)))
        db.session.commit()
    return token


def test_poster_qr_to_thank_you_then_a_receipt_link_used_once(app, live, phone, artifacts):
    page = phone
    survey = CounterSurvey(page, live)
    # The counter's poster carries the counter's survey address in its QR code.
    png = poster_png(app, live)
    (artifacts / "poster.png").write_bytes(png)
    url = decode_qr(png)
    assert url == f"{live}/c/{COUNTER}"

    response = survey.visit(url)
    assert response.status == 200
    assert survey.heading().inner_text().startswith("Phiếu khảo sát sự hài lòng")
    page.screenshot(path=str(artifacts / "counter-form-vi.png"))
    survey.choose_overall("4 – Hài lòng")
    survey.comment("Cán bộ hướng dẫn rất tận tình.")
    survey.send()
    expect(survey.heading()).to_have_text("Cảm ơn Ông/Bà!")
    page.screenshot(path=str(artifacts / "thanks-vi.png"))
    # The optional second page: the criteria, added to the same response.
    survey.answer_more()
    survey.rate_criterion("c15", 5)          # tap "5" on the first criterion
    survey.rate_criterion("c23", 4)          # "4" on the civil servant's courtesy
    expect(page.locator("input[name=c15][value='5']")).to_be_checked()
    page.screenshot(path=str(artifacts / "second-page-answered.png"))
    survey.send_second_page()
    assert survey.more_links().count() == 0
    [stored] = stored_responses(app)
    assert stored["channel"] == "counter"
    assert stored["overall"] == 4
    assert stored["answers"] == {("q_overall", 4, None, None), ("c15", 5, None, None),
                                 ("c23", 4, None, None)}
    assert stored["comments"][0][0] == "Cán bộ hướng dẫn rất tận tình."

    # A receipt's QR: a single-use link to the same form, for one transaction.
    token = invitation(app)
    link = decode_qr(qr.png(qr.invitation_url(live, token)))
    assert link == f"{live}/t/{token}"
    assert survey.visit(link).status == 200
    assert "Thủ tục: " in page.locator(".facts").inner_text()
    survey.choose_overall("5 – Rất hài lòng")
    survey.send()
    assert [r["channel"] for r in stored_responses(app)] == ["counter", "token"]

    # The same link again: a clear page, and no way to answer twice.
    again = survey.visit(link)
    assert again.status == 410
    assert survey.heading().inner_text() == "Phiếu khảo sát này đã được trả lời"
    assert page.locator("form").count() == 0
    page.screenshot(path=str(artifacts / "token-used-vi.png"))
    assert len(stored_responses(app)) == 2


def test_two_taps_from_the_poster_store_one_response(app, live, phone):
    """390 x 844, no JavaScript: the overall question and Send are on the first screen."""
    page = phone
    survey = CounterSurvey(page, live)
    survey.open()
    for shown in ("#q_overall", "button.send"):
        box = page.locator(shown).bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= PHONE_HEIGHT, shown  # no scrolling
    page.screenshot(path=str(IMAGES / "first-screen-390.png"))
    survey.choose_overall("5 – Rất hài lòng")   # tap 1
    survey.send()                               # tap 2
    assert page.evaluate("window.scrollY") == 0
    [stored] = stored_responses(app)
    assert (stored["channel"], stored["overall"]) == ("counter", 5)
    assert stored["answers"] == {("q_overall", 5, None, None)}


def test_the_stylesheet_is_fetched_once_for_every_page(app, live, phone, served_paths):
    """Content-hashed and immutable: no second request, not even a 304, on later pages."""
    survey = CounterSurvey(phone, live)
    survey.open()
    survey.choose_overall("4 – Hài lòng")
    survey.send()
    survey.answer_more()
    survey.open()  # and a new visit
    pages = [p for p in served_paths if not p.startswith("/static/")]
    assert len(pages) >= 4  # the form, its post, thanks, the second page, the form again
    static = [p for p in served_paths if p.startswith("/static/")]
    assert len(static) == 1, static
    assert re.fullmatch(r"/static/app\.[0-9a-f]{12}\.css", static[0])


def test_a_missing_answer_is_explained_on_the_page(app, live, phone, artifacts):
    page = phone
    survey = CounterSurvey(page, live)
    survey.open()
    survey.comment("Giữ lại nhé")
    survey.press_send()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Vui lòng trả lời câu hỏi này.")
    assert page.locator("textarea[name=q_comment]").input_value() == "Giữ lại nhé"  # kept
    page.screenshot(path=str(artifacts / "counter-form-error.png"))
    summary.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"#q_overall-0$"))
    assert stored_responses(app) == []


def test_an_error_link_lands_on_the_question_and_its_message(app, live, chromium):
    """A small screen, where the question starts below the error summary's fold."""
    context = chromium.new_context(viewport={"width": 320, "height": 480}, locale="vi-VN",
                                   java_script_enabled=False)
    page = context.new_page()
    try:
        survey = CounterSurvey(page, live)
        survey.open()
        survey.send_with_errors()
        page.wait_for_url(f"{live}/c/{COUNTER}", wait_until="load")
        first_option = page.locator("#q_overall-0")
        assert first_option.bounding_box()["y"] > 480  # below the fold: the link must move
        page.locator(".error-summary").get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"#q_overall-0$"))
        expect(page.locator("#q_overall legend")).to_be_in_viewport()  # scrolled there
        for part in ("#q_overall legend", "#q_overall-error", "#q_overall-0"):
            box = page.locator(part).bounding_box()
            assert box["y"] >= 0, part
            assert box["y"] + box["height"] <= 480, part
    finally:
        context.close()


def test_the_form_fits_a_320_pixel_screen_and_switches_language(live, chromium, artifacts):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, locale="vi-VN")
    page = context.new_page()
    try:
        survey = CounterSurvey(page, live)
        survey.open()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.screenshot(path=str(IMAGES / "first-screen-320.png"))
        survey.choose_overall("4 – Hài lòng")
        # Measured once the new page has loaded *and* its stylesheet applies (the switch
        # waits for both): unstyled labels are 17 px high (the once-seen `17 >= 44`: a
        # measurement taken while the page after the switch had no CSS yet).
        survey.switch_language("en")
        expect(page.locator("#q_overall legend")).to_contain_text("Overall")
        settled(page)
        expect(survey.overall_input(4)).to_be_checked()  # kept
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        # Every tap target of the form is at least 44 px high.
        heights = page.evaluate(
            "[...document.querySelectorAll('main label.box span:not(.vh), main label.opt, "
            "main button, main textarea, main input[type=text], main input[type=tel], "
            "main input[type=email], main summary')].map(e => e.getBoundingClientRect().height)"
            ".filter(h => h > 0)")
        assert heights
        assert min(heights) >= 44
    finally:
        context.close()


def test_the_kiosk_counts_a_face_once_even_with_more_said(app, live, chromium, artifacts):
    tablet = chromium.new_context(viewport={"width": 800, "height": 1280}, locale="vi-VN",
                                  java_script_enabled=False)
    page = tablet.new_page()
    try:
        kiosk = Kiosk(page, live)
        kiosk.open()
        page.screenshot(path=str(artifacts / "kiosk-vi.png"))
        kiosk.choose_face("Hài lòng", exact=True)
        assert [r["overall"] for r in stored_responses(app)] == [4]
        page.screenshot(path=str(artifacts / "kiosk-thanks-vi.png"))
        kiosk.tell_more()
        expect(page.locator("textarea[name=q_comment]")).to_be_visible()
        assert page.locator("input[name=q_overall]").count() == 0  # the face was the answer
        kiosk.comment("Màn hình dễ dùng.")
        kiosk.send()
        [stored] = stored_responses(app)
        assert (stored["channel"], stored["overall"]) == ("kiosk", 4)
        assert stored["comments"][0][0] == "Màn hình dễ dùng."
        # The thank-you screen goes back to the faces by itself, for the next person.
        kiosk.wait_for_reset(timeout=15_000)
        expect(page.get_by_role("button", name="Rất hài lòng")).to_be_visible()
    finally:
        tablet.close()


def test_the_kiosk_countdown_can_be_stopped(app, live, chromium):
    """With JavaScript (a real kiosk) the reset shows a countdown with a stop button."""
    tablet = chromium.new_context(viewport={"width": 800, "height": 1280}, locale="vi-VN")
    page = tablet.new_page()
    try:
        kiosk = Kiosk(page, live)
        kiosk.open()
        kiosk.choose_face("Bình thường")
        thanks = page.url
        expect(page.locator("#countdown")).to_have_text("8", timeout=5_000)  # it counts down
        kiosk.stay()
        expect(page.locator("#countdown-note")).to_be_hidden()
        page.wait_for_timeout(11_000)
        assert page.url == thanks  # stopped: still here after the 10 seconds
        kiosk.back_to_start()
        assert [r["overall"] for r in stored_responses(app)] == [3]
    finally:
        tablet.close()

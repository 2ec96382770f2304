"""Back, reload and history: a kiosk's next person sees nothing of the previous one's,
and a form sent again after Back is never a second response, with the browser's
back/forward cache on (a real tablet or phone) and off (in-app browsers)."""

from __future__ import annotations

import pytest
from pages import COUNTER, CounterSurvey, Kiosk, expect

from support import stored_responses

pytestmark = pytest.mark.browser

SECRET = "Cán bộ quầy số 3 gây khó dễ"
PHONE_NUMBER = "0901 234 567"
TABLET = {"width": 800, "height": 1280}
# Counts, per tab, the pages the browser brought back from its back/forward cache.
COUNT_RESTORES = (
    "window.addEventListener('pageshow', function (e) { if (e.persisted) {"
    " sessionStorage.setItem('restored', String(Number(sessionStorage.getItem('restored')"
    " || 0) + 1)); } });")


def shows_nothing_of_the_previous_person(page) -> None:
    expect(page.locator("body")).not_to_contain_text(SECRET)
    expect(page.locator("input[name=contact_phone]")).to_have_count(0)
    expect(page.locator("textarea")).to_have_count(0)
    assert PHONE_NUMBER not in page.content()


def test_the_next_person_at_a_kiosk_finds_nothing_of_the_previous_one(app, live,
                                                                      chromium_bfcache):
    tablet = chromium_bfcache.new_context(viewport=TABLET, locale="vi-VN")
    tablet.add_init_script(COUNT_RESTORES)
    page = tablet.new_page()
    try:
        # The previous person: English, a face, then everything, with contact details.
        kiosk = Kiosk(page, live, lang="en")
        kiosk.open("?lang=en")
        kiosk.choose_face("Satisfied", exact=True)
        kiosk.tell_more()
        kiosk.comment(SECRET)
        kiosk.give_contact(PHONE_NUMBER)
        kiosk.send()
        kiosk.back_to_start()
        # The next person: in Vietnamese, and every step back through the history
        # (the thank-you screens, the second page, the faces) shows nothing of it.
        assert page.locator("html").get_attribute("lang") == "vi"
        for _ in range(4):
            page.go_back(wait_until="commit")
            page.wait_for_load_state("load")
            shows_nothing_of_the_previous_person(page)
            expect(page.get_by_role("link", name="Tell us more")).to_have_count(0)
            page.reload()
            shows_nothing_of_the_previous_person(page)
        # The cache was really on: the faces page came back from it (and kiosk.js
        # reloaded it for the next person).
        assert int(page.evaluate("sessionStorage.getItem('restored') || 0")) >= 1
        for _ in range(4):
            page.go_forward(wait_until="commit")
            page.wait_for_load_state("load")
            shows_nothing_of_the_previous_person(page)
    finally:
        tablet.close()
    [stored] = stored_responses(app)
    assert stored["channel"] == "kiosk"
    assert stored["comments"][0][:4] == (SECRET, True, None, PHONE_NUMBER)


def test_back_and_send_again_without_any_cache_stores_one_response(app, live, chromium):
    """Playwright's Chromium has no back/forward cache; the HTTP cache is off too."""
    phone = chromium.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN",
                                 java_script_enabled=False)
    page = phone.new_page()
    phone.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        survey = CounterSurvey(page, live)
        survey.open()
        survey.choose_overall("4 – Hài lòng")
        survey.comment("Nhanh.")
        survey.send()
        page.go_back()
        survey.arrive(f"/c/{COUNTER}")
        # A fresh page (a new submission id) with nothing restored into it, so Send
        # cannot pass the old answer off as a new one.
        expect(survey.overall_input(4)).not_to_be_checked()
        expect(page.locator("textarea[name=q_comment]")).to_have_value("")
        survey.send_with_errors()
        expect(page.locator(".error-summary")).to_be_visible()
        assert len(stored_responses(app)) == 1
    finally:
        phone.close()


def test_back_and_send_again_with_the_cache_stores_one_response(app, live, chromium_bfcache):
    phone = chromium_bfcache.new_context(viewport={"width": 390, "height": 844},
                                         locale="vi-VN", java_script_enabled=False)
    page = phone.new_page()
    try:
        survey = CounterSurvey(page, live)
        survey.open()
        survey.choose_overall("4 – Hài lòng")
        survey.send()
        # Back from the cache: the page is restored, not loaded, so only its address is
        # waited for.
        page.go_back(wait_until="commit")
        page.wait_for_url(f"{live}/c/{COUNTER}", wait_until="commit")
        expect(survey.overall_input(4)).to_be_checked()  # restored
        survey.press_send()
        survey.arrive("/thanks**")
        # Restored with its answer and its submission id: a re-sent form, one response.
        assert len(stored_responses(app)) == 1
    finally:
        phone.close()

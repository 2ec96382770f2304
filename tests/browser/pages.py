"""Page objects for the browser tests (SecureDrop's tests/functional/app_navigators/ are
the model): one class per screen a person uses, one method per step they take.

Every method waits for the state its step leads to, and every navigation waits until
the page has loaded and its stylesheet applies (`settled`), so no test measures or
checks a page that is still unstyled. Tests keep their assertions; the steps live here.
"""

from __future__ import annotations

from typing import Any

COUNTER = "ttphc-dat-dai"
# What a person reads on the buttons and links, per language of the page.
LABELS = {
    "vi": {"send": "Gửi phiếu khảo sát", "more": "Trả lời thêm câu hỏi",
           "kiosk_more": "Góp ý thêm", "stay": "Tôi cần thêm thời gian",
           "start": "Về trang đầu", "consent": "Tôi đồng ý để cơ quan liên hệ với tôi"},
    "en": {"send": "Send my answers", "more": "Answer more questions",
           "kiosk_more": "Tell us more", "stay": "I need more time",
           "start": "Back to the start", "consent": "I agree that the agency may contact me"},
}
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}  # the switch's button, by target


def expect(target):
    """Playwright's waiting assertions (imported late: the conftest reports its absence)."""
    from playwright.sync_api import expect as waiting

    return waiting(target)


def settled(page) -> None:
    """Wait until the page has loaded and its stylesheet applies (app.css sets the body's
    margin to 0): a size measured before that is an unstyled page's."""
    page.wait_for_load_state("load")
    expect(page.locator("body")).to_have_css("margin-top", "0px")


class Screen:
    """A page of the live server, read in one language."""

    def __init__(self, page, live: str, *, lang: str = "vi", counter: str = COUNTER):
        self.page, self.live, self.counter = page, live, counter
        self.lang = lang

    @property
    def labels(self) -> dict[str, str]:
        return LABELS[self.lang]

    def visit(self, path: str) -> Any:
        """Opens a path (or a full address) of the server; returns the HTTP response."""
        response = self.page.goto(path if path.startswith("http") else f"{self.live}{path}")
        settled(self.page)
        return response

    def arrive(self, pattern, **wait) -> None:
        """Waits for the address a step leads to, then for the page to settle."""
        self.page.wait_for_url(pattern if not isinstance(pattern, str)
                               else f"{self.live}{pattern}", **wait)
        settled(self.page)

    def comment(self, text: str) -> None:
        self.page.fill("textarea[name=q_comment]", text)

    def press_send(self) -> None:
        """Presses Send; the caller says which page it expects."""
        self.page.get_by_role("button", name=self.labels["send"]).click()


class CounterSurvey(Screen):
    """The form a citizen opens from a counter's poster (/c/…) or a receipt's link (/t/…)."""

    def open(self, query: str = "") -> Any:
        return self.visit(f"/c/{self.counter}{query}")

    def overall(self):
        return self.page.locator("#q_overall")

    def choose_overall(self, label: str) -> None:
        """Taps an overall answer by its words ("4 – Hài lòng")."""
        self.overall().get_by_text(label).click()

    def check_overall(self, index: int) -> None:
        """Checks the overall answer at `index` (0 is the lowest), in any language."""
        self.overall().locator("input").nth(index).check()

    def overall_input(self, value: int):
        return self.page.locator(f"input[name=q_overall][value='{value}']")

    def send(self) -> None:
        """Sends the first page: the thank-you page offering the second one."""
        self.press_send()
        self.arrive("/thanks?more=**")

    def send_with_errors(self) -> None:
        """Sends a form with a problem: the same form again, its problems summarised."""
        self.press_send()
        expect(self.page.locator(".error-summary")).to_be_visible()
        settled(self.page)

    def switch_language(self, to: str) -> None:
        """The language switch (a button of the form): the same form in `to`."""
        self.page.get_by_role("button", name=LANGUAGE_NAMES[to]).click()
        expect(self.page.locator("html")).to_have_attribute("lang", to)
        settled(self.page)
        self.lang = to

    def answer_more(self) -> None:
        """Follows the thank-you page's link to the second page (the criteria)."""
        self.page.get_by_role("link", name=self.labels["more"]).click()
        self.arrive("/more/**")

    def rate_criterion(self, code: str, score: int) -> None:
        """Taps a criterion's box for `score` (1 to 5)."""
        self.page.locator(f"#{code} label.box").nth(score - 1).click()

    def send_second_page(self) -> None:
        self.press_send()
        self.arrive("/thanks")

    def more_links(self):
        return self.page.get_by_role("link", name=self.labels["more"])

    def heading(self):
        return self.page.locator("h1")


class Kiosk(Screen):
    """The tablet at a counter (/k/…): a face, a thank-you that resets, an optional page."""

    def open(self, query: str = "") -> Any:
        return self.visit(f"/k/{self.counter}{query}")

    def press_face(self, name: str | None = None, *, exact: bool = False) -> None:
        """Presses a face by its name, or the first one; the caller says what follows."""
        faces = self.page.locator("button.face")
        face = faces.first if name is None else self.page.get_by_role(
            "button", name=name, exact=exact)
        face.click()

    def choose_face(self, name: str | None = None, *, exact: bool = False) -> None:
        """A face is the whole answer: the thank-you screen."""
        self.press_face(name, exact=exact)
        self.arrive("/k/thanks/**")

    def tell_more(self) -> None:
        self.page.get_by_role("link", name=self.labels["kiosk_more"]).click()
        self.arrive("/k/more/**")

    def give_contact(self, phone: str) -> None:
        """Unfolds the contact block, agrees to be contacted and leaves a number."""
        self.page.locator("details.contact summary").click()
        self.page.get_by_label(self.labels["consent"]).check()
        self.page.fill("input[name=contact_phone]", phone)

    def send(self) -> None:
        self.press_send()
        self.arrive("/k/thanks/**")

    def start_page(self) -> str:
        """Where the kiosk goes back to for the next person: the faces, in Vietnamese."""
        return f"/k/{self.counter}?lang=vi"

    def back_to_start(self) -> None:
        self.page.get_by_role("link", name=self.labels["start"]).click()
        self.arrive(self.start_page())
        self.lang = "vi"

    def wait_for_reset(self, timeout: float) -> None:
        """The thank-you screen goes back to the faces by itself."""
        self.arrive(self.start_page(), timeout=timeout)
        self.lang = "vi"

    def stay(self) -> None:
        """Stops the countdown back to the faces."""
        self.page.get_by_role("button", name=self.labels["stay"]).click()
        expect(self.page.locator("#countdown-note")).to_be_hidden()


class Dashboard(Screen):
    """The staff dashboard: log in, choose a period (and a survey), read the figures."""

    def login(self, username: str, password: str) -> None:
        self.visit("/staff/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/staff/login" not in url)  # logged in
        settled(self.page)

    def open(self, *, period: str) -> None:
        """The dashboard for a period, with every chart fetched."""
        self.page.goto(f"{self.live}/staff/?period={period}")
        self.page.wait_for_load_state("networkidle")
        settled(self.page)

    def charts(self):
        return self.page.locator("img.chart")

    def chart_widths(self) -> list[int]:
        """Each chart's drawn width: 0 for one not loaded (blocked or broken)."""
        return self.charts().evaluate_all(
            "images => images.map(i => i.complete ? i.naturalWidth : 0)")

    def count_of(self, text: str) -> int:
        """How many times a word (a verdict, say) shows on the page."""
        return self.page.get_by_text(text).count()

"""Numbers, dates and name order the Vietnamese way on every page, English on English ones."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from survey_app import formatting
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import figures as reporting
from survey_app.services.reporting.periods import parse_period

# "90.3 %", "90.3%", "25,445": what an English number looks like.
ENGLISH_NUMBER = re.compile(r"\d\.\d+ ?%|[1-9]\d{0,2}(?:,\d{3})+(?![\d,])")
# "90,3 %", "25.445": what a Vietnamese one looks like.
VIETNAMESE_NUMBER = re.compile(r"\d,\d+ ?%|[1-9]\d{0,2}(?:\.\d{3})+(?![\d.])")
# A count of 10,000 or more written with no separator at all ("25445").
BARE_COUNT = re.compile(r"(?<![\d.,/:\-–])\d{5,}(?![\d.,/:])")
SKIPPED_LINKS = ("/staff/logout", "lang=", "/charts/", "/reports/", ".pdf", ".png", ".svg",
                 ".xlsx", ".csv", "/template.", "/qr/")


@pytest.mark.parametrize(("call", "vi", "en"), [
    (lambda loc: formatting.percent(0.903, locale=loc), "90,3 %", "90.3%"),
    (lambda loc: formatting.percent(1, locale=loc), "100,0 %", "100.0%"),
    (lambda loc: formatting.percent(0.5, 0, locale=loc), "50 %", "50%"),
    (lambda loc: formatting.threshold(0.975, locale=loc), "97,5 %", "97.5%"),
    (lambda loc: formatting.threshold(0.9, locale=loc), "90 %", "90%"),
    (lambda loc: formatting.number(25445, locale=loc), "25.445", "25,445"),
    (lambda loc: formatting.number(1.66, 1, locale=loc), "1,7", "1.7"),
    (lambda loc: formatting.interval(0.881, 0.9234, locale=loc), "88,1–92,3 %", "88.1–92.3%"),
    (lambda loc: formatting.change(0.012, locale=loc), "+1,2", "+1.2"),
    (lambda loc: formatting.change(-0.004, locale=loc), "-0,4", "-0.4"),
    (lambda loc: formatting.day(date(2026, 12, 1), locale=loc), "01/12/2026", "1 Dec 2026"),
    # 17:30 UTC is 00:30 the next day in Vĩnh Long
    (lambda loc: formatting.moment(datetime(2026, 11, 30, 17, 30, tzinfo=UTC), locale=loc),
     "01/12/2026 00:30", "1 Dec 2026 00:30"),
    (lambda loc: formatting.percent(None, locale=loc), "—", "—"),
])
def test_each_language_writes_numbers_its_own_way(call, vi, en):
    assert (call("vi"), call("en")) == (vi, en)


def test_names_sort_in_vietnamese_alphabetical_order():
    names = ["Y tế", "Giáo dục và đào tạo", "Đầu tư", "Đất đai", "Xây dựng", "Dân cư",
             "Ăn uống", "An ninh"]
    assert sorted(names)[-1] != "Y tế"  # code-point order puts every "Đ…" and "Ă…" last
    assert formatting.sort_by_name(names, str, "vi") == [
        "An ninh", "Ăn uống", "Dân cư", "Đất đai", "Đầu tư", "Giáo dục và đào tạo", "Xây dựng",
        "Y tế"]


def _seed_demo(runner, year: int = 2026, responses: int = 1500) -> None:
    result = runner.invoke(args=["demo", "seed", "--responses", str(responses), "--year",
                                 str(year), "--force"])
    assert result.exit_code == 0, result.output


def test_the_sector_list_is_in_vietnamese_order(reference_data, runner):
    _seed_demo(runner)
    cells = reporting.breakdown(parse_period("2026"), Scope.all_data(), "sector",
                                reporting.Filters())
    names = [c.name["vi"] for c in cells if c.key is not None]
    assert {"Đất đai", "Giáo dục và đào tạo", "Y tế"} <= set(names)
    assert names.index("Đất đai") < names.index("Giáo dục và đào tạo")
    assert names[-1] == "Y tế"
    assert names == formatting.sort_by_name(names, str, "vi")


def test_the_sector_choices_of_the_user_form_are_in_vietnamese_order(survey_data, staff):
    staff.create("admin", "admin")
    staff.login("admin")
    html = staff.client.get("/staff/users/new").get_data(as_text=True)
    assert html.index(">Đất đai<") < html.index(">Giáo dục và đào tạo<") < html.index(">Y tế<")
    assert html.index(">Y tế<") > html.index(">Xây dựng<")


class _Page(HTMLParser):
    """The visible text of a page and the links it offers."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def _kind(url: str) -> str:
    """A page's kind: its path with numbers blanked and its query's names (a few
    comments stand for all, a sector drill-down is not an agency one)."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(names)


def _crawl(client, start: list[str], limit: int, per_kind: int = 3) -> dict[str, str]:
    """Visible text of the pages reachable from `start` by GET links on this site, at
    most `per_kind` pages of each kind."""
    seen, queue, texts, kinds = set(start), list(start), {}, {}
    while queue and len(texts) < limit:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        texts[url] = " ".join(page.text)
        for href in page.links:
            target = urljoin(url, href).split("#")[0]
            if urlsplit(target).netloc or target in seen or any(
                    s in target for s in SKIPPED_LINKS):
                continue
            seen.add(target)
            kinds[_kind(target)] = kinds.get(_kind(target), 0) + 1
            if kinds[_kind(target)] <= per_kind:
                queue.append(target)
    return texts


def test_no_vietnamese_page_writes_an_english_number(survey_data, runner, staff):
    with survey_data.app_context():
        _seed_demo(runner)
    staff.create("admin", "admin")
    staff.login("admin")
    # The demo year is this year: the public page shows its last closed quarter.
    start = ["/staff/?period=2026", "/staff/?period=2026-Q3&survey=all",
             "/staff/?period=2026-Q3&survey=health_inpatient", "/staff/campaigns",
             "/staff/comments?period=2026", "/staff/reports", "/staff/users", "/ket-qua", "/"]
    texts = _crawl(staff.client, start, limit=60)
    assert len(texts) >= 30, sorted(texts)
    assert VIETNAMESE_NUMBER.search(texts["/ket-qua"])
    assert any(VIETNAMESE_NUMBER.search(t) for t in texts.values())  # the check can see
    for url, text in texts.items():
        assert not ENGLISH_NUMBER.findall(text), (url, ENGLISH_NUMBER.findall(text)[:5])
        assert not BARE_COUNT.findall(text), (url, BARE_COUNT.findall(text)[:5])


def test_english_pages_write_english_numbers(survey_data, runner, staff):
    with survey_data.app_context():
        _seed_demo(runner, responses=600)
    staff.create("admin", "admin")
    staff.login("admin")
    html = staff.client.get("/staff/?period=2026&lang=en").get_data(as_text=True)
    page = _Page()
    page.feed(html)
    text = " ".join(page.text)
    assert ENGLISH_NUMBER.search(text)
    assert not VIETNAMESE_NUMBER.findall(text), VIETNAMESE_NUMBER.findall(text)[:5]

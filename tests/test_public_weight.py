"""Page weight: each survey page with everything it loads stays within 60 KB, all from us;
the first page (overall question, comment, Send) within 40 KB."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from support import hidden_fields_from
from survey_app.extensions import db
from survey_app.models import Counter, Invitation, utcnow
from survey_app.services.responses import tokens

BUDGET = 60 * 1024  # bytes, uncompressed: a cheap phone on a slow connection
FIRST_SCREEN = 40 * 1024  # the page a poster's QR opens, with its CSS


class Assets(HTMLParser):
    """Every URL a browser would fetch to show the page (stylesheets, scripts, images…)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "") in {"stylesheet", "icon", "preload",
                                                      "manifest"}:
            self.urls.append(a["href"])
        if tag in {"script", "img", "source", "iframe", "video", "audio", "embed"} and a.get("src"):
            self.urls.append(a["src"])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def weigh(client, url: str) -> tuple[int, list[str]]:
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.get_data(as_text=True)
    parser = Assets()
    parser.feed(html)
    total = len(page.data)
    css = ""
    for asset in parser.urls:
        assert not re.match(r"^(https?:)?//", asset), f"{url} loads {asset} from another host"
        with client.get(asset) as fetched:  # static files stream: close them
            assert fetched.status_code == 200, asset
            total += len(fetched.data)
            if asset.endswith(".css"):
                css += fetched.get_data(as_text=True)
    # CSS can pull more in (fonts, images): none of that either.
    assert "url(" not in css
    assert "@import" not in css
    return total, parser.urls


def unhashed(urls: list[str]) -> list[str]:
    """/static/app.0123456789ab.css -> app.css (survey_app/assets.py names files so)."""
    names = [re.fullmatch(r"/static/(.+)\.[0-9a-f]{12}(\.\w+)", url) for url in urls]
    assert all(names), urls
    return [name[1] + name[2] for name in names]


def token(app) -> str:
    value = tokens.new_token()
    with app.app_context():
        counter = db.session.execute(
            select(Counter).where(Counter.code == "ttphc-dat-dai")).scalar_one()
        db.session.add(Invitation(token_sha256=tokens.sha256_hex(value), counter_id=counter.id,
                                  sector_id=counter.sectors[0].id,
                                  expires_at=utcnow() + timedelta(days=1)))
        db.session.commit()
    return value


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_survey_pages_hold_the_budget(app, client, survey_data, lang):
    phone_pages = ["/c/ttphc-dat-dai", f"/t/{token(app)}", "/c/ttphc-tu-phap", "/thanks"]
    for url in [*phone_pages, "/k/ttphc-dat-dai"]:
        total, assets = weigh(client, f"{url}?lang={lang}")
        # No JavaScript for phones; the kiosk's tablet gets its small timer script.
        expected = ["app.css"] if url in phone_pages else ["app.css", "kiosk.js"]
        assert unhashed(assets) == expected, url
        assert total <= BUDGET, f"{url}: {total} bytes"
    # The figures docs/citizen.md quotes: the first page, and the second (19 criteria).
    first, _ = weigh(client, "/c/ttphc-dat-dai?lang=vi")
    assert 4 * 1024 < first <= FIRST_SCREEN, first  # and the measurement measures something
    sent = client.post("/c/ttphc-dat-dai", data={**hidden_fields_from(
        client.get("/c/ttphc-dat-dai").get_data(as_text=True)), "q_overall": "4"})
    more = re.search(r'href="(/more/[^"]+)"', client.get(sent.headers["Location"]).get_data(
        as_text=True)).group(1)
    second, assets = weigh(client, more)
    assert unhashed(assets) == ["app.css"]
    assert 20 * 1024 < second <= BUDGET, second
    print(f"first page {first} bytes, second page {second} bytes, with their assets")

"""Static files: content-hashed names kept by browsers for a year (no 304 round trip),
gzip when the client takes it; and the citizen's pages gzipped under `make serve`."""

import gzip
import re

import pytest

from support import PROJECT
from survey_app import assets
from survey_app.assets import IMMUTABLE

STATIC = PROJECT / "survey_app" / "static"


def css_url(client) -> str:
    page = client.get("/c/ttphc-dat-dai").get_data(as_text=True)
    return re.search(r'href="(/static/app\.[0-9a-f]{12}\.css)"', page).group(1)


def test_a_page_links_its_stylesheet_by_content_hash(client, survey_data):
    url = css_url(client)
    reply = client.get(url)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == IMMUTABLE
    assert reply.data == (STATIC / "app.css").read_bytes()
    assert reply.mimetype == "text/css"
    # Nothing that would make a browser ask again: no cookie, no Vary on cookies.
    assert "Set-Cookie" not in reply.headers
    assert reply.headers["Vary"] == "Accept-Encoding"


def test_the_hash_is_the_files_content(tmp_path):
    (tmp_path / "a.css").write_text("body{margin:0}")
    before = assets._read(tmp_path)["a.css"].name
    (tmp_path / "a.css").write_text("body{margin:1px}")
    after = assets._read(tmp_path)["a.css"].name
    assert re.fullmatch(r"a\.[0-9a-f]{12}\.css", before)
    assert before != after


def test_gzip_when_the_client_takes_it(client, survey_data):
    url = css_url(client)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == (STATIC / "app.css").read_bytes()
    assert len(packed.data) < len((STATIC / "app.css").read_bytes()) / 2
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


@pytest.mark.parametrize("path", ["/static/app.css", "/static/app.000000000000.css"])
def test_an_old_or_unhashed_name_gets_the_current_file_revalidated(client, path):
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-cache"  # never kept for a year
    assert reply.data == (STATIC / "app.css").read_bytes()
    reply.close()


@pytest.mark.parametrize("path", ["/static/nothing.css", "/static/../config.py",
                                  "/static/app.0123456789ab.js"])
def test_no_such_file(client, path):
    assert client.get(path).status_code == 404


def test_pages_are_gzipped_when_the_app_serves_browsers_itself(other_app, survey_data):
    served = other_app(COMPRESS_RESPONSES=True)
    client = served.test_client()
    page = client.get("/c/ttphc-dat-dai", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    html = gzip.decompress(page.data).decode()
    assert "Phiếu khảo sát" in html
    assert len(page.data) < len(html.encode()) / 2
    # Staff pages carry a session's CSRF token: not compressed (compression.py).
    login = client.get("/staff/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in login.headers
    plain = client.get("/c/ttphc-dat-dai")
    assert "Content-Encoding" not in plain.headers


def test_pages_are_not_gzipped_behind_nginx_by_default(client, survey_data):
    page = client.get("/c/ttphc-dat-dai", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers

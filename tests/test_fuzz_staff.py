"""Fuzzing the staff side: every route's query parameters and every form, odd values.

Routes come from `app.url_map` (through tests/test_staff_access.py's `_urls`), so a
route added later is fuzzed too. A logged-in admin sends each GET route a query of
parameters the staff views read, plus unknown ones, with odd values (digits of other
scripts, twenty-digit ids, NUL, broken percent escapes, long text), and each POST
route a form of such fields with a valid CSRF token. What must hold: never a 5xx.
Reproducible by the profile in conftest.py; FUZZ_EXAMPLES sets how many.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st
from seeding import load_reference
from test_staff_access import _client, _seed, _urls

from support import csrf_token_from

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])
# What the staff views read from the query string and their forms.
NAMES = ["period", "from", "to", "survey", "channel", "level", "group", "sector", "agency",
         "page", "status", "tag", "state", "kind", "score", "overdue", "family", "user",
         "part", "facility", "date", "lang", "next", "fmt", "format", "q", "tags",
         "assign_agency", "reply_note", "handled", "action", "text", "agency_id", "name_vi",
         "name_en", "opens_on", "closes_on", "margin", "respondent_group", "version_id",
         "sector_id", "username", "role", "sectors", "agencies", "code", "password",
         "rating", "next_form", "filled_on", "q_overall", "q_comment"]
# Already percent-encoded: broken escapes and bytes that are not UTF-8 included.
RAW = ["%C2%B2", "%D9%A3", "99999999999999999999", "-1", "0", "1", "", "%20", "%00",
       "%FF%FE", "%", "%zz", "1e9", "2025-Q3", "2025-Q9", "9999", "all", "on", "%E2%80%A8",
       "..", "%2F%2Fexample.org", "x" * 3000]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
VALUES = st.sampled_from(RAW) | TEXT.map(quote)
FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
SKIPPED = {"staff.logout", "staff.logout_everywhere"}  # would end the fuzzing session


@pytest.fixture
def admin(app, runner):
    load_reference(app, runner)
    with app.app_context():
        world = _seed(app)
    routes = [(endpoint, method, url.split("?")[0]) for endpoint, method, url in _urls(app, world)
              if endpoint not in SKIPPED]
    return _client(app, "admin"), routes


def queries(known=()):
    names = (st.sampled_from(sorted({*NAMES, *known})) |
             st.text("abcxyz_[]", min_size=1, max_size=8))
    return st.lists(st.tuples(names, VALUES), max_size=6)


def _field_names(client, urls) -> set[str]:
    """The names of the fields the forms at `urls` render, so that a field added to a
    form later is fuzzed too."""
    found: set[str] = set()
    for url in urls:
        found |= set(FIELD_NAME.findall(client.get(url).get_data(as_text=True)))
    return found - {"csrf_token"}


def _encoded(pairs) -> str:
    return "&".join(f"{quote(name)}={value}" for name, value in pairs)


def test_no_staff_get_route_answers_a_5xx(admin):
    client, routes = admin
    gets = sorted({url for _e, method, url in routes if method == "GET"})
    assert len(gets) >= 20

    @FUZZ
    @given(url=st.sampled_from(gets), pairs=queries())
    @example(url="/staff/", pairs=[("sector", "%C2%B2")])
    @example(url="/staff/", pairs=[("agency", "99999999999999999999")])
    @example(url="/staff/comments", pairs=[("page", "%C2%B2")])
    @example(url="/staff/charts/trend.svg", pairs=[("period", "%C2%B2")])
    def run(url, pairs):
        full = f"{url}?{_encoded(pairs)}"
        note(full[:300])
        assert client.get(full).status_code < 500, full[:300]

    for url in gets:  # every route once, with nothing odd, as a baseline
        assert client.get(url).status_code < 500, url
    run()


def test_no_staff_form_post_answers_a_5xx(admin):
    client, routes = admin
    posts = sorted({url for _e, method, url in routes if method == "POST"})
    assert len(posts) >= 8
    token = csrf_token_from(client.get("/staff/users/new").get_data(as_text=True))
    fields = _field_names(client, posts)
    assert {"assign_agency", "reply_note", "name_vi"} <= fields

    @FUZZ
    @given(url=st.sampled_from(posts), pairs=queries(fields))
    @example(url=posts[0], pairs=[("assign_agency", "%C2%B2")])
    def run(url, pairs):
        body = _encoded([("csrf_token", quote(token)), *pairs])
        note(f"{url} {body[:300]}")
        response = client.post(url, data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (url, body[:300])

    run()

"""The Reports page offers the dashboard's choices: custom dates, a sector or an agency
inside the reader's scope; the files follow the choice."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from seeding import add_responses, by_code, load_reference

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffScope

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)


@pytest.fixture
def seeded(app, runner):
    load_reference(app, runner)
    with app.app_context():
        add_responses(3, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                      at=AT)
        add_responses(2, scores=4, agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=AT)
        ids = {"land": by_code(Sector, "dat-dai").id, "civil": by_code(Sector, "ho-tich").id,
               "commune": by_code(Agency, "p-thanh-duc").id}
        staff = StaffActions(app, app.test_client())
        staff.create("admin", "admin")
        staff.create("land", "analyst", [StaffScope(sector_id=ids["land"])])
        db.session.commit()
    return app, ids


def _client(app, username):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _csv_rows(client, query):
    response = client.get(f"/staff/reports/csv?{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_page_offers_dates_sectors_and_agencies_and_links_keep_them(seeded):
    app, ids = seeded
    client = _client(app, "admin")
    html = client.get(f"/staff/reports?from=2025-07-15&to=2025-08-15&sector={ids['land']}"
                      ).get_data(as_text=True)
    assert 'type="date" name="from" value="2025-07-15"' in html
    assert f'<option value="{ids["land"]}" selected>' in html
    assert 'name="agency"' in html
    assert f"period=2025-07-15..2025-08-15&amp;sector={ids['land']}" in html


def test_the_files_follow_the_narrowing(seeded):
    app, ids = seeded
    client = _client(app, "admin")
    assert {r["sector"] for r in _csv_rows(client, f"period=2025-Q3&sector={ids['land']}")} == {
        "dat-dai"}
    assert {r["agency"] for r in _csv_rows(client, f"period=2025-Q3&agency={ids['commune']}")
            } == {"p-thanh-duc"}
    assert len(_csv_rows(client, "period=2025-07-01..2025-07-31")) == 0
    assert len(_csv_rows(client, "period=2025-08-01..2025-08-31")) == 5


def test_a_narrowing_outside_the_scope_is_not_found(seeded):
    app, ids = seeded
    client = _client(app, "land")
    assert client.get(f"/staff/reports/csv?period=2025-Q3&sector={ids['civil']}").status_code \
        == 404
    assert client.get(f"/staff/reports?agency={ids['commune']}").status_code == 404
    html = client.get("/staff/reports").get_data(as_text=True)
    assert "Hộ tịch" not in html
    assert client.get(f"/staff/reports?sector={ids['land']}&agency=1").status_code == 400

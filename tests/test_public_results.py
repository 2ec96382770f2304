"""The public results page: aggregates of the last closed quarter, nothing under 30 answers."""

from datetime import timedelta

from seeding import add_responses, load_reference

from survey_app.services.reporting.periods import last_closed_quarter


def test_public_results_show_rates_only_for_cells_of_30_or_more(app, runner, client):
    load_reference(app, runner)
    quarter = last_closed_quarter()
    at = quarter.start + timedelta(days=10)
    with app.app_context():
        add_responses(40, scores=[5, 5, 5, 2], agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=at, comments=["Bí mật ZQPUBLIC"])
        add_responses(12, scores=5, agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=at)
    response = client.get("/ket-qua")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert quarter.label("vi") in html
    assert "Hộ tịch" in html
    assert "75,0 %" in html  # 30 of 40 in civil status
    assert "dưới 30 phiếu trả lời" in html  # land: 12 answers, no rate
    assert "100,0 %" not in html
    assert "ZQPUBLIC" not in html
    assert "p-thanh-duc-1c" not in html  # no counters at all


def test_public_results_are_cached(app, runner, client):
    load_reference(app, runner)
    first = client.get("/ket-qua").get_data(as_text=True)
    with app.app_context():
        add_responses(40, scores=5, agency="p-thanh-duc", sector="ho-tich",
                      at=last_closed_quarter().start + timedelta(days=1))
    # Within the cache time the page does not query again: same figures.
    assert client.get("/ket-qua").get_data(as_text=True) == first
    app.extensions["public_results"].clear()
    assert "100,0 %" in client.get("/ket-qua").get_data(as_text=True)

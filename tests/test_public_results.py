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
        # A third group: with two, the shown one minus the total would give land away,
        # so it would be hidden too (complementary suppression).
        add_responses(35, scores=5, agency="so-y-te", sector="y-te", at=at)
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


def test_the_public_sees_nothing_provisional(app, runner, client):
    """A plan carried forward until it is issued (reference/targets.yaml, `provisional`)
    gives staff marked targets and the public none: no "tạm tính", no verdict."""
    from survey_app.extensions import db
    from survey_app.models import Plan

    load_reference(app, runner)
    quarter = last_closed_quarter()
    with app.app_context():
        add_responses(40, scores=[5, 5, 5, 2], agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=quarter.start + timedelta(days=10))
        plans = db.session.query(Plan).all()
        for plan in plans:
            plan.provisional = True
        db.session.commit()
    for lang in ("vi", "en"):
        html = client.get(f"/ket-qua?lang={lang}").get_data(as_text=True)
        assert "tạm tính" not in html
        assert "provisional" not in html.lower()
        assert "chờ xác nhận" not in html
        assert 'class="verdict' not in html
    assert "Chỉ tiêu của giai đoạn này chưa được xác nhận" in client.get(
        "/ket-qua?lang=vi").get_data(as_text=True)
    with app.app_context():
        for plan in db.session.query(Plan).all():
            plan.provisional = False
        db.session.commit()
    app.extensions.pop("public_results", None)  # the page's cache
    confirmed = client.get("/ket-qua").get_data(as_text=True)
    assert 'class="verdict' in confirmed
    assert "chưa được xác nhận" not in confirmed


def test_the_plan_carried_forward_is_marked_provisional(app, runner):
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Plan

    load_reference(app, runner)
    with app.app_context():
        marked = dict(db.session.execute(select(Plan.code, Plan.provisional)).all())
    assert marked == {"cchc-2021-2025": False, "cchc-2026-2030": True}

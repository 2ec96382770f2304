"""Reference data: the province's files load idempotently; bad files change nothing."""

from sqlalchemy import func, select

from support import PROJECT
from survey_app.extensions import db
from survey_app.models import Agency, Counter, Level, Plan, Sector, SectorGroup, Target

REFERENCE = PROJECT / "reference"
MODELS = (SectorGroup, Sector, Level, Agency, Counter, Plan, Target)


def snapshot() -> dict:
    rows = {}
    for model in MODELS:
        table = model.__table__
        rows[table.name] = sorted(
            tuple(str(value) for value in row)
            for row in db.session.execute(select(table)).all()
        )
    return rows


def test_loading_twice_leaves_the_same_rows(app_context, runner):
    first = runner.invoke(args=["reference", "load", str(REFERENCE)])
    assert first.exit_code == 0, first.output
    before = snapshot()
    second = runner.invoke(args=["reference", "load", str(REFERENCE)])
    assert second.exit_code == 0, second.output
    assert snapshot() == before
    assert len(before["counters"]) > 10


def test_the_province_data_has_what_the_targets_need(reference_data):
    groups = set(db.session.execute(select(SectorGroup.code)).scalars())
    assert {"land-construction-investment", "health-education"} <= groups
    plan = db.session.execute(select(Plan).where(Plan.code == "cchc-2021-2025")).scalar_one()
    thresholds = {t.code: t.threshold for t in plan.targets}
    assert thresholds["tthc-overall"] == 0.90
    assert thresholds["tthc-land-construction-investment"] == 0.85
    district = db.session.get(Level, "district")
    assert district.retired_on is not None
    communes = db.session.execute(
        select(func.count()).select_from(Agency).where(Agency.former_province.is_not(None))
    ).scalar()
    assert communes > 10


def test_bad_file_names_every_problem_with_its_line_and_writes_nothing(app_context, runner,
                                                                        tmp_path):
    bad = tmp_path / "sectors.yaml"
    bad.write_text(
        "sector_groups:\n"
        "  - code: ok-group\n"
        "    name: {vi: Nhóm, en: Group}\n"
        "sectors:\n"
        "  - code: Bad Code\n"
        "    name: {vi: Đất đai}\n"
        "    group: ok-group\n"
        "  - code: xay-dung\n"
        "    name: {vi: Xây dựng, en: Construction}\n"
        "    group: no-such-group\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reference", "load", str(bad)])
    assert result.exit_code == 2
    assert "sectors.yaml: line 5: code: 'Bad Code' is not a code" in result.output
    assert "sectors.yaml: line 5: name.en: missing" in result.output
    assert db.session.execute(select(func.count()).select_from(SectorGroup)).scalar() == 0


def test_unknown_reference_is_reported(app_context, runner, tmp_path):
    (tmp_path / "agencies.yaml").write_text(
        "levels:\n  - {code: province, name: {vi: Tỉnh, en: Province}}\n"
        "agencies:\n"
        "  - code: so-a\n    name: {vi: Sở A, en: Dept A}\n    level: province\n"
        "    kind: department\n    parent: nobody\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["reference", "load", str(tmp_path)])
    assert result.exit_code == 2
    assert "parent: unknown agency 'nobody'" in result.output
    assert db.session.execute(select(func.count()).select_from(Level)).scalar() == 0


def test_malformed_yaml_is_a_clear_error(app_context, runner, tmp_path):
    (tmp_path / "targets.yaml").write_text("plans: [\n", encoding="utf-8")
    result = runner.invoke(args=["reference", "load", str(tmp_path)])
    assert result.exit_code == 2
    assert "targets.yaml: line" in result.output
    assert "YAML" in result.output

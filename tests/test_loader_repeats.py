"""Row 18: loaders check uniqueness and references before they write.

A repeated target code ended in `IntegrityError: UNIQUE constraint failed` (found by
tests/test_fuzz_loaders.py in one run of three); the other loaders are checked for
the same class of error: two files for one questionnaire version, a volumes row
whose count overflows its integer column, a rule given twice in the 766 rules.
"""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from support import PROJECT
from survey_app.extensions import db
from survey_app.models import Plan, QuestionnaireVersion, Target, TransactionVolume
from survey_app.services.feedback import service_quality

TARGET = "      - code: tthc-overall\n"


def _count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _reference_with_targets(tmp_path, text: str):
    folder = tmp_path / "reference"
    shutil.copytree(PROJECT / "reference", folder)
    (folder / "targets.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_repeated_target_code_is_located_and_nothing_is_written(app_context, runner,
                                                                  tmp_path):
    text = (PROJECT / "reference" / "targets.yaml").read_text(encoding="utf-8")
    first = text.index(TARGET)
    second = text.index("      - code: tthc-land-construction-investment")
    block = text[first:second]
    repeated = text[:second] + block + text[second:]  # the first plan's first target twice
    line = repeated[:second].count("\n") + 1
    folder = _reference_with_targets(tmp_path, repeated)
    result = runner.invoke(args=["reference", "load", str(folder)])
    assert result.exit_code == 2, result.output
    assert (f"targets.yaml: line {line}: code: duplicate target code 'tthc-overall' in plan"
            in result.output), result.output
    assert "IntegrityError" not in result.output
    assert (_count(Plan), _count(Target)) == (0, 0)


def test_the_same_target_code_in_two_plans_is_fine(app_context, runner):
    result = runner.invoke(args=["reference", "load", str(PROJECT / "reference")])
    assert result.exit_code == 0, result.output
    codes = db.session.execute(select(Target.code)).scalars().all()
    assert codes.count("tthc-overall") == 2  # one per plan: unique per plan, not overall


def test_two_files_for_one_questionnaire_version_are_refused(reference_only, runner, tmp_path):
    source = PROJECT / "questionnaires" / "one-stop-sipas.v1.yaml"
    changed = source.read_text(encoding="utf-8") + "\n# changed\n"
    (tmp_path / "a.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(changed, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "load", str(tmp_path / "a.yaml"),
                                 str(tmp_path / "b.yaml")])
    assert result.exit_code == 2, result.output
    assert "b.yaml: version: version 1 of" in result.output
    assert "a.yaml; one file per version" in result.output
    assert _count(QuestionnaireVersion) == 0


@pytest.mark.parametrize(("cells", "message"), [
    ("99999999999999999999,", "transactions: '99999999999999999999' is not a whole number"),
    ("2147483648,", "transactions: '2147483648' is not a whole number from 0 to 2147483647"),
    ("²,", "transactions: '²' is not a whole number"),
    ("10,99999999999", "late: '99999999999' is not a whole number"),
])
def test_volume_counts_that_overflow_their_column_are_refused(reference_only, runner,
                                                              tmp_path, cells, message):
    path = tmp_path / "volumes.csv"
    path.write_text("agency,sector,first_day,last_day,transactions,late\n"
                    f"ttphc-tinh,dat-dai,01/08/2025,31/08/2025,{cells}\n", encoding="utf-8")
    result = runner.invoke(args=["reference", "volumes", str(path)])
    assert result.exit_code == 2, result.output
    assert f"volumes.csv: row 2: {message}" in result.output
    assert _count(TransactionVolume) == 0


def test_a_766_rule_given_twice_is_refused(tmp_path):
    text = service_quality.RULES_FILE.read_text(encoding="utf-8")
    start = text.index("  - code:")
    end = text.index("  - code:", start + 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text[:end] + text[start:end] + text[end:], encoding="utf-8")
    with pytest.raises(ValueError, match="is given twice"):
        service_quality.load_rules(path)

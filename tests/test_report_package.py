"""The quarterly package: every file for the province and each department, with a manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from docx import Document
from report_support import PERIOD, seed_quarter

from survey_app.services.reporting.exports import package
from survey_app.services.reporting.periods import last_closed_quarter

FILES = {"bao-cao-hai-long-2025-Q3.pdf", "bao-cao-hai-long-2025-Q3.docx",
         "bao-cao-hai-long-2025-Q3.xlsx", "bao-cao-hai-long-2025-Q3.json",
         "du-lieu-phieu-2025-Q3.csv", "ma-cot-du-lieu-phieu-2025-Q3.csv"}


@pytest.fixture
def seeded(reference_data):
    seed_quarter()
    return reference_data


def test_package_has_every_file_per_scope_and_a_true_manifest(seeded, runner, tmp_path):
    result = runner.invoke(args=["report", "--period", PERIOD, "--package", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / PERIOD
    assert sorted(p.name for p in tmp_path.iterdir()) == [PERIOD]  # nothing half-built left
    folders = {p.name for p in root.iterdir() if p.is_dir()}
    assert {"tinh", "so-y-te", "so-noi-vu", "so-nnmt"} <= folders
    for folder in folders:
        assert {p.name for p in (root / folder).iterdir()} == FILES

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == PERIOD
    assert len(manifest["files"]) == 6 * len(folders)
    for entry in manifest["files"]:
        data = (root / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["file"].split("/")[0] == entry["scope"]
    sums = (root / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums == [f"{e['sha256']}  {e['file']}" for e in manifest["files"]]

    health = json.loads((root / "so-y-te" / "bao-cao-hai-long-2025-Q3.json").read_bytes())
    assert health["issuer"]["name"] == "Sở Y tế"
    assert {c["code"] for c in health["sectors"]} <= {"y-te", "lao-dong-tbxh"}
    letterhead = Document(root / "so-y-te" / "bao-cao-hai-long-2025-Q3.docx").tables[0]
    assert "SỞ Y TẾ" in letterhead.rows[0].cells[0].text
    rows = list(csv.DictReader(io.StringIO(
        (root / "so-y-te" / "du-lieu-phieu-2025-Q3.csv").read_text(encoding="utf-8-sig"))))
    assert rows
    assert "comment" not in rows[0]  # department files are handed on: no comment text
    province = (root / "tinh" / "du-lieu-phieu-2025-Q3.csv").read_text(encoding="utf-8-sig")
    assert "comment" in province.splitlines()[0]


def test_a_new_package_replaces_the_old_one_whole(tmp_path):
    old, new = tmp_path / PERIOD, tmp_path / ".package-new"
    for folder, text in ((old, "old"), (new, "new")):
        (folder / "tinh").mkdir(parents=True)
        (folder / "tinh" / "a.txt").write_text(text)
    package._move_into_place(new, old)
    assert sorted(p.name for p in tmp_path.iterdir()) == [PERIOD]
    assert (old / "tinh" / "a.txt").read_text() == "new"


@pytest.mark.parametrize(("args", "message"), [
    (["--package", "missing-folder"], "cannot write in"),
    (["--package", ".", "--format", "pdf"], "leave out --format"),
    ([], "give --format and --out"),
])
def test_package_refuses_bad_input_with_exit_code_2(reference_data, runner, tmp_path,
                                                    monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["report", "--period", PERIOD, *args])
    assert result.exit_code == 2
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_last_quarter_is_the_quarter_closed_most_recently(reference_data, runner, tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(args=["report", "--period", "last-quarter", "--format", "json",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_bytes())["period"]["code"] == last_closed_quarter().code


def test_package_scopes_are_the_province_then_each_department(reference_data):
    codes = [part.code for part in package.scopes()]
    assert codes[0] == "tinh"
    assert codes[1:] == sorted(codes[1:])
    assert "vp-ubnd-tinh" not in codes  # no sectors of its own: no department report

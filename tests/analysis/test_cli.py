"""python -m analysis summarize, run as analysts run it: a subprocess on a CSV file."""

import csv
import io
import json
import subprocess
import sys

import pytest

from analysis import satisfaction_table
from analysis.cli import main

RESPONSES = [
    ("sector", "agency", "q_overall"),
    *[("Đất đai", "Sở Tài nguyên", s) for s in [5] * 100 + [4] * 32 + [3] * 10 + [2] * 8],
    *[("Hộ tịch", "UBND xã Long Hồ", s) for s in [5] * 150 + [4] * 40 + [1] * 10],
    *[("Hộ tịch", "UBND phường 1", s) for s in [4] * 20 + [3] * 5],
    ("Hộ tịch", "UBND phường 1", ""),  # no opinion: left out
]


def write_csv(tmp_path, rows, name="export.csv", encoding="utf-8"):
    path = tmp_path / name
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "analysis", "summarize", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_json_by_sector_with_target(tmp_path):
    path = write_csv(tmp_path, RESPONSES)
    result = run(path, "--by", "sector", "--satisfied-column", "q_overall",
                 "--target", "0.9", "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1 row(s) with no answer left out" in result.stderr
    rows = json.loads(result.stdout)
    assert [r["sector"] for r in rows] == ["Đất đai", "Hộ tịch"]  # Vietnamese order: Đ before H
    land = rows[0]
    assert (land["n"], land["satisfied"]) == (150, 132)  # 88 % of 150: the worked example
    expected = satisfaction_table([{"sector": "Đất đai", "n": 150, "satisfied": 132}], 0.9)[0]
    assert land == expected
    assert land["verdict"] == "undecided"
    assert land["additional_n"] == 865
    civil = rows[1]
    assert (civil["n"], civil["satisfied"]) == (225, 210)


def test_csv_by_sector_and_agency(tmp_path, capsys):
    # in-process from here on: the same main(), without a second of imports per call
    path = str(write_csv(tmp_path, RESPONSES))
    status = main(["summarize", path, "--by", "sector", "--by", "agency",
                   "--satisfied-column", "q_overall", "--format", "csv",
                   "--method", "clopper_pearson", "--confidence", "0.99"])  # fmt: skip
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["sector"], r["agency"], r["n"]) for r in rows] == [
        ("Đất đai", "Sở Tài nguyên", "150"),
        ("Hộ tịch", "UBND phường 1", "25"),
        ("Hộ tịch", "UBND xã Long Hồ", "200"),
    ]
    assert "verdict" not in rows[0]  # no target, no verdict columns
    expected = satisfaction_table(
        [{"n": 25, "satisfied": 20}], confidence=0.99, method="clopper_pearson"
    )[0]
    assert float(rows[1]["low"]) == expected["low"]


def test_table_format_is_readable(tmp_path):
    path = write_csv(tmp_path, RESPONSES)
    result = run(path, "--by", "sector", "--satisfied-column", "q_overall", "--target", "0.85",
                 "--lang", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["sector", "n", "satisfied"]
    assert lines[2].split()[:2] == ["Hộ", "tịch"]
    assert lines[2].split()[-4:-2] == ["True", "met"]  # 93.3 %, Wilson (89.3 %, 95.9 %)
    assert "88.0%  81.8%  92.3%  85.0%" in lines[1]
    assert "undecided" in lines[1]


def test_the_table_is_vietnamese_by_default(tmp_path):
    path = write_csv(tmp_path, RESPONSES)
    result = run(path, "--by", "sector", "--satisfied-column", "q_overall", "--target", "0.85")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:2] == ["Đất", "đai"]
    assert "88,0 %  81,8 %  92,3 %  85,0 %" in lines[1]


def test_zero_one_column_and_excel_bom(tmp_path, capsys):
    rows = [("sector", "ok"), ("Y tế", 1), ("Y tế", 0), ("Y tế", 1), ("Giáo dục", 1)]
    path = str(write_csv(tmp_path, rows, encoding="utf-8-sig"))
    argv = ["summarize", path, "--by", "sector", "--satisfied-column", "ok", "--format", "json"]
    assert main(argv) == 0
    got = {r["sector"]: (r["n"], r["satisfied"]) for r in json.loads(capsys.readouterr().out)}
    assert got == {"Y tế": (3, 2), "Giáo dục": (1, 1)}


def test_only_ones_needs_the_scale(tmp_path, capsys):
    path = str(write_csv(tmp_path, [("sector", "ok"), ("Y tế", 1), ("Y tế", 1)]))
    assert main(["summarize", path, "--by", "sector", "--satisfied-column", "ok"]) == 2
    assert "pass --scale binary or five" in capsys.readouterr().err
    argv = ["summarize", path, "--by", "sector", "--satisfied-column", "ok", "--format", "json"]
    assert main([*argv, "--scale", "five"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["satisfied"] == 0
    assert main([*argv, "--scale", "binary"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["satisfied"] == 2


BAD_FILES = [
    ([("sector", "q"), ("a", 5)], ["--by", "agency"], "no column 'agency'"),
    ([("sector", "x"), ("a", 5)], [], "no column 'q_overall'"),
    ([("sector", "q_overall"), ("a", 5), ("a", "tốt")], [], "line 3: q_overall is 'tốt', not a"),
    ([("sector", "q_overall"), ("a", 4.5)], [], "not a whole number"),
    ([("sector", "q_overall"), ("a", 0), ("a", 5)], [], "has 0, but the answers are 1 to 5"),
    ([("sector", "q_overall"), ("a", 7)], [], "has 7, but the answers are 1 to 5"),
    ([("sector", "q_overall"), ("a", "")], [], "no answers in column 'q_overall'"),
    ([("sector", "q_overall")], [], "no answers in column 'q_overall'"),
    ([], [], "the file is empty"),
    ([("sector", "q_overall"), ("a", 5)], ["--target", "90"], "target must be strictly between"),
    ([("sector", "q_overall"), ("a", 5)], ["--confidence", "95"], "confidence must be"),
]


def arguments(path, args):
    by = [] if "--by" in args else ["--by", "sector"]
    return [str(path), *by, "--satisfied-column", "q_overall", *args]


@pytest.mark.parametrize(("rows", "args", "message"), [BAD_FILES[i] for i in (1, 2, 8)])
def test_bad_files_exit_2_with_a_message(tmp_path, rows, args, message):
    # missing column, non-numeric value, empty file: through a real subprocess
    # (the other cases run in-process below: each subprocess costs a second of imports)
    result = run(*arguments(write_csv(tmp_path, rows), args))
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(("rows", "args", "message"), BAD_FILES)
def test_bad_files_in_process(tmp_path, capsys, rows, args, message):
    assert main(["summarize", *arguments(write_csv(tmp_path, rows), args)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_missing_and_undecodable_files_exit_2(tmp_path, capsys):
    argv = ["--by", "sector", "--satisfied-column", "q"]
    assert main(["summarize", str(tmp_path / "nope.csv"), *argv]) == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "utf16.csv"
    path.write_bytes("sector,q\nĐất đai,5\n".encode("utf-16"))
    assert main(["summarize", str(path), *argv]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["summarize", str(tmp_path), *argv]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_bad_options_exit_2(tmp_path, capsys):
    path = str(write_csv(tmp_path, RESPONSES))
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", path, "--by", "sector", "--satisfied-column", "q_overall",
              "--method", "exact"])  # fmt: skip
    assert exit_info.value.code == 2
    assert "invalid choice: 'exact'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["summarize", path, "--satisfied-column", "q_overall"])
    assert exit_info.value.code == 2
    assert "--by" in capsys.readouterr().err

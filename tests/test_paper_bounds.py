"""Row 2 and the file cases of row 9: paper-survey imports read with bounded memory,
and malformed files are a clear refusal, never a 500 or gigabytes of memory."""

import io
import subprocess
import sys
import time
import zipfile

import pytest
from openpyxl import Workbook

from survey_app.services.paper.files import UnreadableFile, read_table


def _workbook(header=("facility", "date", "q_overall"), rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, name: str, change) -> bytes:
    """The same package with one part rewritten (as a hand-crafted attack file is)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            target.writestr(member, change(content) if member.filename == name else content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _far_cell(content: bytes) -> bytes:
    """The outside test's 1,585-byte sheet: A1:XFD1048576 declared, one far cell."""
    content = content.replace(b'<dimension ref="A1:C1"/>', b'<dimension ref="A1:XFD1048576"/>')
    return content.replace(b"</sheetData>",
                           b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
                           b"</sheetData>")


def test_a_declared_huge_sheet_is_refused_without_building_its_grid():
    data = _rewrite(_workbook(), SHEET, _far_cell)
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="more than 500 columns"):
        read_table("paper.xlsx", data)
    assert time.monotonic() - started < 10


def test_gigabytes_of_whitespace_are_refused_before_parsing():
    bomb = _rewrite(_workbook(), SHEET, lambda c: c.replace(
        b"<sheetData>", b"<sheetData>" + b" " * (300 * 1024 * 1024)))
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(UnreadableFile, match="too large once unpacked"):
        read_table("paper.xlsx", bomb)


@pytest.mark.parametrize("prolog", [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
])
def test_dtds_and_entities_are_refused(prolog):
    data = _rewrite(_workbook(), SHEET, lambda c: prolog + c)
    with pytest.raises(UnreadableFile, match="DTD or entities"):
        read_table("paper.xlsx", data)


def test_truncated_xml_is_a_clear_refusal():
    data = _rewrite(_workbook(rows=[("x", "01/12/2026", 5)]), SHEET, lambda c: c[:len(c) // 2])
    with pytest.raises(UnreadableFile, match="not a readable XLSX"):
        read_table("paper.xlsx", data)


def test_a_csv_field_over_csv_s_own_limit_is_a_clear_refusal():
    data = ("facility,date,q_overall\nx,01/12/2026," + "5" * 140_000 + "\n").encode()
    with pytest.raises(UnreadableFile, match="row 2"):
        read_table("paper.csv", data)


# VmHWM, not ru_maxrss: the latter keeps the forking parent's figure across exec.
PEAK = """
import re, sys
from survey_app.services.paper.files import UnreadableFile, read_table
data = open(sys.argv[1], "rb").read()
try:
    read_table("paper.xlsx", data)
except UnreadableFile:
    pass
status = open("/proc/self/status").read()
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024)
"""


@pytest.mark.slow
def test_peak_memory_of_the_attack_files_stays_under_300_mb(tmp_path):
    """Measured in a process of its own (peak resident MB, imports included: ~100)."""
    attacks = {"far-cell": _rewrite(_workbook(), SHEET, _far_cell),
               "rows-to-the-limit": _rewrite(_workbook(), SHEET, lambda c: c.replace(
                   b"</sheetData>", b"".join(
                       b'<row r="%d"><c r="A%d" t="n"><v>1</v></c></row>' % (n, n)
                       for n in range(2, 200_000)) + b"</sheetData>"))}
    for name, data in attacks.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(data)
        done = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True,
                              text=True, timeout=300, check=True)
        assert int(done.stdout.split()[-1]) < 300, (name, done.stdout)
        print(name, done.stdout.strip(), "MB")

"""The quarterly package: every file of a period, for the province and each department.

`write(period, folder)` builds `folder/<period>/` with one sub-folder per scope —
`tinh` (the whole province, issued by Sở Nội vụ, comment text included) and one per
department (`so-y-te` …: the sectors the department manages, issued by it, without
comment text, since these files are handed on) — each holding the PDF, DOCX, XLSX,
JSON and CSV with the CSV's codebook, and a `manifest.json` (file, scope, bytes,
SHA-256) with a `SHA256SUMS` that `sha256sum -c` reads. The package is built in a
hidden folder beside its place and moved there whole, so a failed or interrupted run
(cron) never leaves half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Agency, utcnow
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import exports
from survey_app.services.reporting.exports import codebook
from survey_app.services.reporting.periods import Period

FORMATS = ("pdf", "docx", "xlsx", "json", "csv")
FILES = (*FORMATS, "codebook")  # the CSV's codebook beside it
PROVINCE = "tinh"


@dataclass(frozen=True)
class PackageScope:
    code: str      # the sub-folder: tinh, so-y-te …
    label: str     # who it is for, in words
    scope: Scope
    user_id: int | None = None  # who the files are audited to (None: the command line)


def scopes() -> list[PackageScope]:
    """The province, then each department that manages sectors, by code."""
    found = [PackageScope(PROVINCE, "Toàn tỉnh", Scope.all_data(allows_comments=True))]
    departments = db.session.execute(
        select(Agency).where(Agency.kind == "department", Agency.level_code == "department")
        .order_by(Agency.code)).scalars()
    for agency in departments:
        if agency.sectors:
            found.append(PackageScope(agency.code, agency.name_vi, Scope(
                sector_ids=frozenset(s.id for s in agency.sectors))))
    return found


def write(period: Period, folder: Path, progress: Callable[[str], None] | None = None,
          action: str = "export.package", survey: str | None = None,
          parts: list[PackageScope] | None = None) -> Path:
    """Build the package of `period` (of one `survey`, or every one) in `folder` for `parts`
    (default `scopes()`); returns its path (folder/<period>). `progress("tinh/pdf")` after
    each file."""
    final = folder / period.code.replace("..", "_")
    building = Path(tempfile.mkdtemp(prefix=".package-", dir=folder))
    try:
        files = []
        for part in scopes() if parts is None else parts:
            files += _scope_files(building, period, part, action, survey, progress)
        _manifest(building, period, files, survey)
        _move_into_place(building, final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return final


def _scope_files(root: Path, period: Period, part: PackageScope, action: str,
                 survey: str | None, progress: Callable[[str], None] | None) -> list[dict]:
    """The files of one scope (the four drawn ones from one gathering of numbers)."""
    def done(*names: str) -> None:
        for name in names:
            if progress:
                progress(f"{part.code}/{name}")

    (root / part.code).mkdir()
    paths = {fmt: root / part.code / exports.file_name(period, fmt) for fmt in FORMATS}
    drawn = [fmt for fmt in FORMATS if fmt != "csv"]
    streams = {fmt: paths[fmt].open("wb") for fmt in drawn}
    try:
        exports.build_reports(streams, period, part.scope, part.user_id, action=action,
                              survey=survey)
    finally:
        for stream in streams.values():
            stream.close()
    done(*drawn)
    with paths["csv"].open("wb") as out:
        for text in exports.csv_report(period, part.scope, part.user_id, action=action,
                                       survey=survey):
            out.write(text.encode("utf-8"))
    paths["codebook"] = root / part.code / exports.codebook_name(period)
    paths["codebook"].write_bytes("".join(codebook.stream(period, part.scope, survey))
                                  .encode("utf-8"))
    done("csv", "codebook")
    return [_entry(root, paths[name], part) for name in FILES]


def _entry(root: Path, path: Path, part: PackageScope) -> dict:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"file": path.relative_to(root).as_posix(), "scope": part.code,
            "scope_label": part.label, "bytes": path.stat().st_size, "sha256": digest}


def _manifest(root: Path, period: Period, files: list[dict], survey: str | None) -> None:
    manifest = {"period": period.code, "label": period.label("vi"), "survey": survey,
                "generated_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), "files": files}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    (root / "SHA256SUMS").write_text("".join(f"{f['sha256']}  {f['file']}\n" for f in files),
                                     encoding="utf-8")


def _move_into_place(building: Path, final: Path) -> None:
    """Swap the new package in; an older one of the same period goes only once it is."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(old)
    building.rename(final)
    if old:
        shutil.rmtree(old)

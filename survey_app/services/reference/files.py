"""Reference data files (format: reference/FORMAT.md): check them all, then upsert by code.

Nothing is written unless every file is valid, and loading the same files twice
leaves the same rows (codes are the keys; names are updated in place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Counter,
    Level,
    Plan,
    Procedure,
    Sector,
    SectorGroup,
    Target,
)
from survey_app.services.reference.yaml_lines import line_of, load_with_lines
from survey_app.vocabulary import Channel, QuestionnaireKind

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
FILES = ("sectors.yaml", "agencies.yaml", "targets.yaml")
AGENCY_KINDS = {
    "people-committee", "department", "service-centre", "unit", "hospital", "health-centre",
    "school",
}
MEASURES = {"overall", "service-index"}
SECTIONS = {"sector_groups", "sectors", "procedures", "levels", "agencies", "plans"}


class InvalidReferenceData(DomainError):
    """Every problem of the files, one line each (in English)."""

    def __init__(self, problems: list[str]):
        super().__init__("file_problems", problems="\n".join(problems))
        self.problems = problems


@dataclass
class _Files:
    """The parsed content of the files, and every problem found in them."""

    problems: list[str] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    sectors: list[dict] = field(default_factory=list)
    procedures: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)


def find_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(path / name for name in FILES if (path / name).exists())
        else:
            found.append(path)
    return found


def load(paths: list[Path]) -> dict[str, int]:
    """Check and load the files; returns how many rows of each kind the files hold."""
    files = _read_all(paths)
    if files.problems:
        raise InvalidReferenceData(files.problems)
    try:
        counts = _write(files)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


# --- reading and checking -------------------------------------------------------------

def _read_all(paths: list[Path]) -> _Files:
    files = _Files()
    for path in paths:
        name = str(path)
        try:
            data = load_with_lines(path.read_text(encoding="utf-8"))
        except OSError as error:
            files.problems.append(f"{name}: file: {error.strerror or error}")
            continue
        except UnicodeDecodeError:
            files.problems.append(f"{name}: file: not UTF-8 text")
            continue
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "file"
            files.problems.append(f"{name}: {where}: YAML: {getattr(error, 'problem', error)}")
            continue
        if not isinstance(data, dict):
            files.problems.append(f"{name}: file: expected a mapping at the top level")
            continue
        for key in sorted(set(data) - SECTIONS - {"__line__"}):
            files.problems.append(f"{name}: {key}: unknown section")
        check = _Checker(name, files.problems)
        files.groups += check.records(data, "sector_groups", _check_named)
        files.sectors += check.records(data, "sectors", _check_named)
        files.procedures += check.records(data, "procedures", _check_named)
        files.levels += check.records(data, "levels", _check_named)
        files.agencies += check.records(data, "agencies", _check_named)
        files.plans += check.records(data, "plans", _check_named)
    if not files.problems:
        _check_references(files)
    return files


class _Checker:
    def __init__(self, name: str, problems: list[str]):
        self.name = name
        self.problems = problems

    def problem(self, record, key: str, message: str) -> None:
        self.problems.append(f"{self.name}: line {line_of(record)}: {key}: {message}")

    def records(self, data: dict, key: str, check) -> list[dict]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{self.name}: line {line_of(data)}: {key}: expected a list")
            return []
        good = []
        for record in value:
            if not isinstance(record, dict):
                self.problems.append(f"{self.name}: {key}: each entry must be a mapping")
                continue
            record["__file__"] = self.name
            check(self, record)
            good.append(record)
        return good


def _check_named(check: _Checker, record: dict) -> None:
    code = record.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        check.problem(record, "code", f"{code!r} is not a code ([a-z0-9-], at most 60)")
    name = record.get("name")
    if not isinstance(name, dict):
        check.problem(record, "name", "expected {vi: …, en: …}")
        return
    for lang in ("vi", "en"):
        if not isinstance(name.get(lang), str) or not name[lang].strip():
            check.problem(record, f"name.{lang}", "missing")


def _check_references(files: _Files) -> None:
    problems = files.problems

    def problem(record, key, message):
        problems.append(f"{record['__file__']}: line {line_of(record)}: {key}: {message}")

    _check_unique_codes(files, problem)
    groups = _known(SectorGroup, files.groups)
    sectors = _known(Sector, files.sectors)
    levels = _known(Level, files.levels)
    for sector in files.sectors:
        if not _member(sector.get("group"), groups):
            problem(sector, "group", f"unknown sector group {sector.get('group')!r}")
    for procedure in files.procedures:
        if procedure.get("sector") is not None and not _member(procedure["sector"], sectors):
            problem(procedure, "sector", f"unknown sector {procedure['sector']!r}")
    for level in files.levels:
        retired = level.get("retired_on")
        if retired is not None and not isinstance(retired, date):
            problem(level, "retired_on", "expected a date YYYY-MM-DD")
    _check_agencies(files, levels, sectors, problem)
    for plan in files.plans:
        _check_plan(plan, groups, levels, problems, problem)


def _known(model, from_files) -> set[str]:
    in_db = set(db.session.execute(select(model.code)).scalars())
    return in_db | {r["code"] for r in from_files}


def _check_unique_codes(files: _Files, problem) -> None:
    for kind, records in [
        ("sector group", files.groups), ("sector", files.sectors),
        ("procedure", files.procedures), ("level", files.levels), ("agency", files.agencies),
        ("plan", files.plans),
    ]:
        seen: set[str] = set()
        for record in records:
            if record["code"] in seen:
                problem(record, "code", f"duplicate {kind} code {record['code']!r}")
            seen.add(record["code"])


def _check_agencies(files: _Files, levels: set[str], sectors: set[str], problem) -> None:
    agencies_so_far = set(db.session.execute(select(Agency.code)).scalars())
    counters_seen: set[str] = set()
    for agency in files.agencies:
        if not _member(agency.get("level"), levels):
            problem(agency, "level", f"unknown level {agency.get('level')!r}")
        if not _member(agency.get("kind"), AGENCY_KINDS):
            problem(agency, "kind", f"{agency.get('kind')!r} is not one of {sorted(AGENCY_KINDS)}")
        parent = agency.get("parent")
        if parent is not None and not _member(parent, agencies_so_far):
            problem(agency, "parent", f"unknown agency {parent!r} (parents come first)")
        agencies_so_far.add(agency["code"])
        _check_sector_list(agency, sectors, problem)
        for counter in agency.get("counters") or []:
            _check_counter(agency, counter, counters_seen, sectors, files.problems, problem)


def _check_counter(agency, counter, seen: set[str], sectors, problems, problem) -> None:
    if not isinstance(counter, dict):
        problem(agency, "counters", "each counter must be a mapping")
        return
    counter["__file__"] = agency["__file__"]
    _check_named(_Checker(agency["__file__"], problems), counter)
    if _member(counter.get("code"), seen):
        problem(counter, "code", f"duplicate counter code {counter.get('code')!r}")
    if isinstance(counter.get("code"), str):
        seen.add(counter["code"])
    _check_sector_list(counter, sectors, problem)


def _check_plan(plan: dict, groups: set[str], levels: set[str], problems, problem) -> None:
    start, end = plan.get("valid_from"), plan.get("valid_to")
    if not isinstance(start, date) or not isinstance(end, date):
        problem(plan, "valid_from/valid_to", "expected dates YYYY-MM-DD")
    elif start > end:
        problem(plan, "valid_to", "ends before it starts")
    if plan.get("provisional", False) not in (True, False):
        problem(plan, "provisional", "expected true or false")
    targets = plan.get("targets")
    if not isinstance(targets, list) or not targets:
        problem(plan, "targets", "expected a non-empty list")
        return
    target_codes: set[str] = set()
    for target in targets:
        if not isinstance(target, dict):
            problem(plan, "targets", "each target must be a mapping")
            continue
        target["__file__"] = plan["__file__"]
        _check_named(_Checker(plan["__file__"], problems), target)
        # (plan, code) is unique in the table: a repeat would end in an IntegrityError.
        if _member(target.get("code"), target_codes):
            problem(target, "code", f"duplicate target code {target['code']!r} in plan "
                                    f"{plan.get('code')!r}")
        if isinstance(target.get("code"), str):
            target_codes.add(target["code"])
        _check_target(target, groups, levels, problem)


def _member(value, codes) -> bool:
    """`value in codes` for any parsed YAML value: a list or a mapping is never a code
    (and would raise TypeError in a set lookup instead of becoming a problem line)."""
    return isinstance(value, str) and value in codes


def _check_sector_list(record: dict, sectors: set[str], problem) -> None:
    listed = record.get("sectors") or []
    if not isinstance(listed, list):
        problem(record, "sectors", "expected a list of sector codes")
        return
    for code in listed:
        if not _member(code, sectors):
            problem(record, "sectors", f"unknown sector {code!r}")
    codes = [code for code in listed if isinstance(code, str)]
    if len(set(codes)) != len(codes):
        problem(record, "sectors", "a sector is listed twice")


def _check_target(target: dict, groups: set[str], levels: set[str], problem) -> None:
    threshold = target.get("threshold")
    if not isinstance(threshold, int | float) or isinstance(threshold, bool) or not (
        0 < threshold < 1
    ):
        problem(target, "threshold", "expected a share between 0 and 1, e.g. 0.9")
    if not _member(target.get("measure"), MEASURES):
        problem(target, "measure", f"expected one of {sorted(MEASURES)}")
    # The population: each list empty (or absent) for "all".
    for name, codes, expected in (
        ("questionnaire_kinds", QuestionnaireKind.values(),
         f"a list from {QuestionnaireKind.values()}"),
        ("sector_groups", groups, "a list of known sector group codes"),
        ("channels", Channel.values(), f"a list from {Channel.values()}"),
        ("levels", levels, "a list of known level codes"),
    ):
        listed = target.get(name) or []
        if not isinstance(listed, list) or not all(_member(c, codes) for c in listed):
            problem(target, name, f"expected {expected}")


# --- writing ------------------------------------------------------------------------------

class _Rows:
    """Existing rows by code, read once per model (one query, not one per record)."""

    def __init__(self):
        self._by_model: dict = {}

    def get(self, model, key: str, value):
        if model not in self._by_model:
            rows = db.session.execute(select(model)).scalars()
            self._by_model[model] = {getattr(row, key): row for row in rows}
        return self._by_model[model].get(value)

    def upsert(self, model, key: str, value, **fields):
        row = self.get(model, key, value)
        if row is None:
            row = model(**{key: value})
            db.session.add(row)
            self._by_model[model][value] = row
        for name, field_value in fields.items():
            if getattr(row, name) != field_value:
                setattr(row, name, field_value)
        return row


def _names(record: dict) -> dict:
    return {"name_vi": record["name"]["vi"].strip(), "name_en": record["name"]["en"].strip()}


def _write(files: _Files) -> dict[str, int]:
    rows = _Rows()
    for group in files.groups:
        rows.upsert(SectorGroup, "code", group["code"], **_names(group))
    db.session.flush()
    for sector in files.sectors:
        rows.upsert(Sector, "code", sector["code"], group_code=sector["group"], **_names(sector))

    def sector_rows(codes) -> list[Sector]:
        return [rows.get(Sector, "code", code) for code in codes or []]

    for procedure in files.procedures:
        sector_row = (rows.get(Sector, "code", procedure["sector"]) if procedure.get("sector")
                      else None)
        rows.upsert(Procedure, "code", procedure["code"], sector=sector_row, **_names(procedure))
    for level in files.levels:
        rows.upsert(Level, "code", level["code"], retired_on=level.get("retired_on"),
                    **_names(level))
    db.session.flush()

    counters = 0
    for record in files.agencies:
        parent = rows.get(Agency, "code", record["parent"]) if record.get("parent") else None
        agency = rows.upsert(
            Agency, "code", record["code"], level_code=record["level"], kind=record["kind"],
            parent=parent, former_province=record.get("former_province"), **_names(record),
        )
        agency.sectors = sector_rows(record.get("sectors"))
        for counter in record.get("counters") or []:
            row = rows.upsert(Counter, "code", counter["code"], agency=agency, **_names(counter))
            row.sectors = sector_rows(counter.get("sectors"))
            counters += 1
    db.session.flush()

    targets = _write_plans(files, rows)
    return {
        "sector groups": len(files.groups), "sectors": len(files.sectors),
        "procedures": len(files.procedures), "levels": len(files.levels),
        "agencies": len(files.agencies), "counters": counters, "plans": len(files.plans),
        "targets": targets,
    }


def _write_plans(files: _Files, rows: _Rows) -> int:
    targets = 0
    for record in files.plans:
        plan = rows.upsert(
            Plan, "code", record["code"], valid_from=record["valid_from"],
            valid_to=record["valid_to"], provisional=record.get("provisional") is True,
            **_names(record),
        )
        existing = {t.code: t for t in plan.targets}
        for target in record["targets"]:
            row = existing.get(target["code"])
            if row is None:
                row = Target(plan=plan, code=target["code"])
                db.session.add(row)
            row.name_vi, row.name_en = target["name"]["vi"].strip(), target["name"]["en"].strip()
            row.threshold = float(target["threshold"])
            row.measure = target["measure"]
            row.questionnaire_kinds = list(target.get("questionnaire_kinds") or [])
            row.sector_groups = list(target.get("sector_groups") or [])
            row.channels = list(target.get("channels") or [])
            row.levels = list(target.get("levels") or [])
            targets += 1
    return targets

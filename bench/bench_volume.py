"""Benchmarks 2 and 3: the province report and the CSV export at millions of responses.

For each database: load 1 million responses (bench/fast_load.py), then measure

- *report cells*: every sector × agency × quarter of 2025 through the reporting
  service (`reporting.grouped_counts` with its scope and conditions, then the Wilson
  interval and, against the cell's target, the verdict from `analysis`), beside the
  bare `GROUP BY sector, agency, quarter` that counts the same cells (goal: within
  2×, under 300 MB peak);
- *province report*: `services.reports.data.collect` for the year (what the PDF and
  XLSX are drawn from: targets, sectors, agencies, services, channels, factor
  indices over the answers, trend, comments), shown beside the same bare GROUP BY;
- *export*: the anonymised CSV export of the year (`services.reports.csv_export.stream`,
  one row per response, answers pivoted) beside the database's own bulk export of
  the same pivot (`COPY … TO STDOUT` through psql; the `sqlite3` shell's CSV mode)
  (goal: within 3×, under 200 MB peak); and, for what the database spends on our
  export, the same tool running the export's own query (answers packed per
  response, unpivoted: `--measure dbpacked`);

then grow to 5 million responses (the extra 4 million without answers: the cells
read only `responses`) and measure the report cells again.

Each figure is measured in a fresh child process (`--measure`), so its peak RSS
is its own. Sizes: 20,000 and 100,000 by default (cheap), BENCH_LARGE=1 for 1 and 5
million, BENCH_SIZES=… for any list.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time

import common

GROUP_BY = {
    "postgresql": (
        "SELECT sector_id, agency_id, "
        "EXTRACT(QUARTER FROM submitted_hour + INTERVAL '7 hours') AS quarter, "
        "COUNT(*), COUNT(overall_score), SUM(CASE WHEN overall_score >= 4 THEN 1 ELSE 0 END) "
        "FROM responses WHERE submitted_hour >= %s AND submitted_hour < %s "
        "GROUP BY 1, 2, 3"),
    "sqlite": (
        "SELECT sector_id, agency_id, "
        "(CAST(strftime('%m', submitted_hour, '+7 hours') AS INTEGER) + 2) / 3 AS quarter, "
        "COUNT(*), COUNT(overall_score), SUM(CASE WHEN overall_score >= 4 THEN 1 ELSE 0 END) "
        "FROM responses WHERE submitted_hour >= ? AND submitted_hour < ? "
        "GROUP BY 1, 2, 3"),
}


# --- measurements (each in its own child process) ------------------------------------------

def measure(kind: str, url: str) -> dict:
    from survey_app.services.access.scope import Scope
    from survey_app.services.reporting import periods

    app = common.make_app(url)
    year = periods.year_period(2025)
    with app.app_context():
        began = time.perf_counter()
        if kind == "cells":
            result = {"cells": len(_cells(year))}
        elif kind == "report":
            from survey_app.services.reporting.exports import data

            report = data.collect(year, Scope.all_data())
            result = {"sectors": len(report.sectors), "agencies": len(report.agencies)}
        elif kind == "groupby":
            result = {"cells": _bare_group_by(year)}
        elif kind == "export":
            from survey_app.services.reporting.exports import csv_export

            size = rows = 0
            for chunk in csv_export.stream(year, Scope.all_data(allows_comments=False)):
                size += len(chunk.encode())
                rows += chunk.count("\r\n")
            result = {"rows": rows - 1, "bytes": size}
        elif kind == "dbexport":
            result = _database_export(_pivot_sql(year, db_dialect()))
        elif kind == "dbpacked":
            result = _database_export(_packed_sql(year))
        else:
            raise SystemExit(f"unknown measurement {kind}")
        seconds = time.perf_counter() - began
    # The database's own export runs in its own tool (psql, sqlite3): its peak is theirs.
    peak = result.pop("tool_peak_mb") if kind.startswith("db") else common.peak_rss_mb()
    return {"seconds": seconds, "peak_mb": peak, **result}


def _cells(year):
    """Every sector × agency × quarter of the year with its rate, interval and verdict.

    The counts come from `reporting.grouped_counts` (one GROUP BY, the reporting
    service's own conditions and scope); `analysis.satisfaction_table` then gives every
    cell its Wilson interval and, where a target applies (`reporting.cell_threshold`),
    the verdict against it, vectorised over the cells.
    """
    from sqlalchemy import and_, case, select

    import analysis
    from survey_app.extensions import db
    from survey_app.models import Response, Sector
    from survey_app.services.access.scope import Scope
    from survey_app.services.reporting import figures as reporting
    from survey_app.services.reporting import periods

    quarters = periods.quarters_of(2025)
    bucket = case(*[(and_(Response.submitted_hour >= q.start, Response.submitted_hour < q.end), i)
                    for i, q in enumerate(quarters)], else_=None)
    rows = reporting.grouped_counts(year.start, year.end, Scope.all_data(), reporting.NO_FILTERS,
                                    Response.sector_id, Response.agency_id, bucket)
    group_of = dict(db.session.execute(select(Sector.id, Sector.group_code)).all())
    thresholds: dict = {}
    columns: dict = {"sector": [], "agency": [], "quarter": [], "n": [], "satisfied": [],
                     "target": []}
    for sector_id, agency_id, quarter, _responses, n, satisfied, _repeat in rows:
        group = group_of.get(sector_id)
        if (quarter, group) not in thresholds:
            thresholds[quarter, group] = reporting.cell_threshold(
                quarters[quarter], ("administrative",), group)
        for name, value in zip(columns, (sector_id, agency_id, quarter, int(n), int(satisfied),
                                         thresholds[quarter, group]), strict=True):
            columns[name].append(value)
    return analysis.satisfaction_table(columns, targets="target")


def _bare_group_by(year) -> int:
    from survey_app.extensions import db

    dialect = db.engine.dialect.name
    start, end = (moment.replace(tzinfo=None) for moment in (year.start, year.end))
    if dialect == "sqlite":
        start, end = (f"{moment:%Y-%m-%d %H:%M:%S}.000000" for moment in (start, end))
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(GROUP_BY[dialect], (start, end))
        return len(cursor.fetchall())
    finally:
        raw.close()


def _pivot_sql(year, dialect: str) -> str:
    """The same rows as the CSV export (answers pivoted per response), as plain SQL."""
    from survey_app.services.access.scope import Scope
    from survey_app.services.reporting.exports import csv_export

    items = csv_export.item_columns(csv_export._versions(year, Scope.all_data()))
    as_text = "CAST({} AS TEXT)"
    value = (f"COALESCE({as_text.format('a.score')}, a.choice, "
             f"{as_text.format('a.number')})")
    pivot = ", ".join(f"MAX(CASE WHEN a.item_code = '{item}' THEN {value} END)" for item in items)
    start = year.start.replace(tzinfo=None)
    end = year.end.replace(tzinfo=None)
    if dialect == "sqlite":
        start, end = f"{start:%Y-%m-%d %H:%M:%S}.000000", f"{end:%Y-%m-%d %H:%M:%S}.000000"
    return (f"SELECT r.questionnaire_version_id, r.agency_id, r.counter_id, r.sector_id, "
            f"r.procedure_id, r.channel, r.language, r.submitted_hour, r.overall_score, {pivot} "
            f"FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
            f"WHERE r.submitted_hour >= '{start}' AND r.submitted_hour < '{end}' "
            f"GROUP BY r.id ORDER BY r.id")


def db_dialect() -> str:
    from survey_app.extensions import db

    return db.engine.dialect.name


def _packed_sql(year) -> str:
    """The export's own query (answers packed per response, not pivoted), as plain SQL:
    what the database spends on our export, beside the pivot it would do alone."""
    from survey_app.extensions import db
    from survey_app.services.access.scope import Scope
    from survey_app.services.reporting.exports import csv_export

    query = csv_export._packed_query(year, Scope.all_data(allows_comments=False), None, False)
    return str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


def _database_export(sql: str) -> dict:
    from survey_app.extensions import db

    url = db.engine.url
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        command = [shutil.which("sqlite3") or "sqlite3", "-csv", url.database, sql]
        env = None
    else:
        command = [shutil.which("psql") or "psql", "-X", "-q", "-h", url.host or "127.0.0.1",
                   "-p", str(url.port or 5432), "-U", url.username, url.database,
                   "-c", f"COPY ({sql}) TO STDOUT WITH CSV"]
        env = {**os.environ, "PGPASSWORD": url.password or ""}
    with open(os.devnull, "wb") as sink:
        peak = common.run_watching_memory(command, stdout=sink, env=env)
    return {"tool": os.path.basename(command[0]), "tool_peak_mb": peak}


# --- the run -------------------------------------------------------------------------------

def run() -> None:
    import fast_load

    # Cheap by default; BENCH_LARGE=1 for the sizes the goals are stated at.
    default = "1000000,5000000" if os.environ.get("BENCH_LARGE") else "20000,100000"
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", default).split(",")]
    for name, url in common.databases("volume"):
        if name == "sqlite" and not shutil.which("sqlite3"):
            print("  (the sqlite3 shell is missing: apt-get install sqlite3)", file=sys.stderr)
        app = common.make_app(url)
        common.fresh_schema(app)
        loaded = 0
        for size in sizes:
            began = time.perf_counter()
            counts = fast_load.load(app, size - loaded, answers=(loaded == 0))
            seconds = time.perf_counter() - began
            print(f"  loaded {counts['responses']:,} responses and {counts['answers']:,} "
                  f"answers into {name} in {seconds:.0f} s "
                  f"({counts['responses'] / seconds:,.0f} responses/s)")
            loaded = size
            _report_cells(name, url, size)
            if size == sizes[0]:
                _export(name, url, size)


def _report_cells(name: str, url: str, size: int) -> None:
    bare = common.in_child("bench_volume.py", "groupby", url)
    cells = common.in_child("bench_volume.py", "cells", url)
    label = f"{size / 1e6:g}M"
    common.report("report", name, f"sector×agency×quarter cells, {label} responses",
                  cells["seconds"], bare["seconds"], "s", "goal ≤ 2×, < 300 MB",
                  {"peak_mb": cells["peak_mb"], "baseline_peak_mb": bare["peak_mb"],
                   "cells": cells["cells"], "baseline_cells": bare["cells"], "size": size})
    print(f"           peak memory: ours {cells['peak_mb']:.0f} MB, "
          f"bare GROUP BY {bare['peak_mb']:.0f} MB; cells {cells['cells']} vs {bare['cells']}")
    if size == 1_000_000 or "report" in os.environ.get("BENCH_EXTRA", ""):
        full = common.in_child("bench_volume.py", "report", url)
        common.report("report", name, f"province report (collect), {label}",
                      full["seconds"], bare["seconds"], "s", "(beside the same GROUP BY)",
                      {"peak_mb": full["peak_mb"], "size": size})
        print(f"           peak memory: ours {full['peak_mb']:.0f} MB")


def _export(name: str, url: str, size: int) -> None:
    ours = common.in_child("bench_volume.py", "export", url)
    theirs = common.in_child("bench_volume.py", "dbexport", url)
    packed = common.in_child("bench_volume.py", "dbpacked", url)
    common.report("export", name, f"anonymised CSV, {ours['rows']:,} responses",
                  ours["seconds"], theirs["seconds"], "s", "goal ≤ 3×, < 200 MB",
                  {"peak_mb": ours["peak_mb"], "baseline_peak_mb": theirs["peak_mb"],
                   "bytes": ours["bytes"], "size": size, "tool": theirs["tool"]})
    print(f"           peak memory: ours {ours['peak_mb']:.0f} MB, "
          f"{theirs['tool']} {theirs['peak_mb']:.0f} MB; {ours['bytes'] / 1e6:.0f} MB of CSV")
    print(f"           the export's own query alone in {theirs['tool']}: "
          f"{packed['seconds']:.1f} s (ours ÷ that: {ours['seconds'] / packed['seconds']:.2f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "URL"))
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(*arguments.measure)))
    else:
        print(f"report and export at volume — {common.machine()}")
        run()

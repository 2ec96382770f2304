"""flask qr posters --agency CODE --out DIR: print-ready posters of an agency's counters."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from survey_app.services.printing import posters as service

INVALID = 2


@click.group(help="QR codes and posters of counters.")
def qr():
    pass


@qr.command(help="Write one A4 PDF per counter of an agency (and its units) and one combined PDF.")
@click.option("--agency", "agency_code", required=True, help="Code of the agency.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the PDFs (created if missing).")
@click.option("--png", "with_png", is_flag=True, help="Also write a PNG of each poster.")
def posters(agency_code, out_dir, with_png):
    try:
        agency, counters = service.agency_counters(agency_code)
    except service.UnknownPosterAgency:
        click.echo(f"error: unknown agency {agency_code!r} "
                   "(codes are in reference/agencies.yaml)", err=True)
        raise SystemExit(INVALID) from None
    if not counters:
        click.echo(f"error: agency {agency_code!r} and its units have no active counter",
                   err=True)
        raise SystemExit(INVALID)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base_url = current_app.config["PUBLIC_BASE_URL"]
    pages = []
    with click.progressbar(counters, label="posters", item_show_func=_code) as bar:
        for counter in bar:
            poster = service.poster_of(counter, base_url)
            pages.append(poster)
            (out / f"{counter.code}.pdf").write_bytes(service.pdf([poster], counter.name_vi))
            if with_png:
                (out / f"{counter.code}.png").write_bytes(service.png(poster))
    combined = out / f"{agency.code}-all-counters.pdf"
    combined.write_bytes(service.pdf(pages, agency.name_vi))
    click.echo(f"{len(counters)} poster(s) in {out}; all in one: {combined.name}")


def _code(counter) -> str:
    return counter.code if counter is not None else ""

"""Benchmark 4: QR posters for 1,000 counters, beside 1,000 bare QR images.

Ours: `services.posters.pdf` — one A4 page per counter (names, Vietnamese and
English text, the QR drawn as vector modules, the short link) — as the staff page
prints all the counters of an agency at once; and `services.posters.png` for each
counter (the raster poster). Baseline: the `qrcode` library's own
`qrcode.make(url)` saved as PNG for the same 1,000 links, the least a poster
generator must do. No database is involved: posters are built from plain data.
"""

from __future__ import annotations

import io
import os
import time

import common

COUNT = int(os.environ.get("BENCH_POSTERS", "1000"))
BASE_URL = "https://khaosat.vinhlong.gov.vn"


def timed(function) -> tuple[float, object]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def main() -> None:
    import qrcode

    from survey_app.services.printing import posters, qr

    app = common.make_app("sqlite://")  # fonts and config only; no table is read
    items = [posters.Poster(f"UBND phường {i % 124 + 1}", f"Bộ phận Một cửa — quầy {i:04d}",
                            qr.counter_url(BASE_URL, f"ubnd-phuong-{i % 124 + 1}-quay-{i:04d}"))
             for i in range(COUNT)]

    def bare():
        sizes = 0
        for poster in items:
            buffer = io.BytesIO()
            qrcode.make(poster.url).save(buffer, format="PNG")
            sizes += buffer.tell()
        return sizes

    with app.app_context():
        baseline, _ = timed(bare)
        pdf_seconds, pdf = timed(lambda: posters.pdf(items, "Áp phích"))
        png_seconds, png_bytes = timed(lambda: sum(len(posters.png(p)) for p in items))
    common.report("posters", "-", f"{COUNT} posters, one PDF ({len(pdf) / 1e6:.1f} MB)",
                  pdf_seconds, baseline, "s", "", {"peak_mb": common.peak_rss_mb()})
    common.report("posters", "-", f"{COUNT} posters as PNG ({png_bytes / 1e6:.0f} MB)",
                  png_seconds, baseline, "s")
    print(f"           baseline: {COUNT} bare QR PNGs (qrcode.make) in {baseline:.2f} s; "
          f"peak memory {common.peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    print(f"posters — {common.machine()}")
    main()

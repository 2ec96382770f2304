"""The funnel chart: units' rates against their number of answers, with control limits.

Drawn from an :class:`analysis.Funnel` (see :mod:`analysis.funnel`), in the
style of :mod:`analysis.charts` (DejaVu Sans, Okabe-Ito colours, verdict by
shape as well as colour). A unit signalled after false-discovery control is
marked ▲ (above) or ▼ (below) and named on the chart; every other unit is a
grey dot. The limits say when they are widened for overdispersion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import charts  # its private helpers too: every chart shares one look

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.figure import Figure

    from .funnel import Funnel

SIGNAL_STYLE = {
    "above": (charts.GREEN, "^"),
    "below": (charts.VERMILLION, "v"),
    "inside": (charts.GREY, "o"),
}
LIMIT_STYLE = ("dashed", "solid")  # inner level dashed, outer solid
WORDS = {
    "vi": {
        "n": "Số ý kiến (n)",
        "rate": "Tỷ lệ hài lòng",
        "target": "Chỉ tiêu",
        "limits": "Giới hạn {level}",
        "adjusted": " (đã điều chỉnh phân tán quá mức)",
        "above": "Cao hơn chỉ tiêu có ý nghĩa",
        "below": "Thấp hơn chỉ tiêu có ý nghĩa",
        "inside": "Không khác biệt có ý nghĩa so với chỉ tiêu",
    },
    "en": {
        "n": "Number of answers (n)",
        "rate": "Satisfaction rate",
        "target": "Target",
        "limits": "{level} limits",
        "adjusted": " (adjusted for overdispersion)",
        "above": "Significantly above the target",
        "below": "Significantly below the target",
        "inside": "No significant difference from the target",
    },
}


def funnel_chart(
    result: Funnel,
    labels: Sequence[str],
    title: str | None = None,
    lang: str = "vi",
    percent: charts.Percent | None = None,
    target_label: str | None = None,
) -> Figure:
    """Draw ``result`` (from :func:`analysis.funnel`); ``labels`` name the units in order.

    x: number of answers (logarithmic when n spans more than a factor of 20),
    y: rate. The target is a black line, the limits of each level blue curves;
    signalled units are named. ``target_label`` replaces the word "Target"
    (e.g. when the line is the units' pooled rate, not a plan's target).
    """
    if lang not in WORDS:
        raise ValueError(f"unknown lang {lang!r}; choose one of {', '.join(WORDS)}")
    if len(labels) != result.rate.size:
        raise ValueError(f"{len(labels)} labels for {result.rate.size} units")
    words, percent = WORDS[lang], percent or charts.plain_percent(lang)
    fig, ax = charts._figure(width=8.0, height=5.0)
    adjusted = words["adjusted"] if result.dispersion != "none" else ""
    for level, style in zip(result.levels, LIMIT_STYLE * len(result.levels), strict=False):
        low, high = result.curve_limits[level]
        name = words["limits"].format(level=percent(level, charts.tick_places([level]))) + adjusted
        ax.plot(result.curve_n, high, color=charts.BLUE, linestyle=style, linewidth=1.2, label=name)
        ax.plot(result.curve_n, low, color=charts.BLUE, linestyle=style, linewidth=1.2)
    target = percent(result.target, charts.tick_places([result.target]))
    ax.axhline(result.target, color="black", linewidth=1.2,
               label=f"{target_label or words['target']} {target}")
    for signal, (colour, marker) in SIGNAL_STYLE.items():
        chosen = result.signal == signal
        if chosen.any():
            ax.scatter(result.n[chosen], result.rate[chosen], color=colour, marker=marker,
                       s=42 if signal != "inside" else 22, zorder=3, label=words[signal])
    for i in (i for i, s in enumerate(result.signal) if s != "inside"):
        ax.annotate(labels[i], (result.n[i], result.rate[i]), xytext=(5, 4),
                    textcoords="offset points", fontsize=8, fontfamily=charts.FONT)
    if result.n.max() > 20 * result.n.min():
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter("")  # label the decades only
    ax.xaxis.set_major_formatter(_count_formatter(lang))
    bottom = min(float(result.rate.min()), float(result.curve_limits[result.levels[-1]][0].min()))
    ax.set_ylim(max(0.0, bottom - 0.05), 1.02)
    ax.yaxis.set_major_formatter(charts._tick_formatter(percent))
    ax.set_xlabel(words["n"], fontfamily=charts.FONT)
    ax.set_ylabel(words["rate"], fontfamily=charts.FONT)
    ax.legend(prop={"family": charts.FONT, "size": 8}, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              borderaxespad=0)
    if title:
        ax.set_title(title, fontfamily=charts.FONT)
    return fig


def _count_formatter(lang: str):
    """Answers on the n axis as whole numbers ("1.000" in vi), not powers of ten."""
    from matplotlib.ticker import FuncFormatter

    mark = "." if lang == "vi" else ","
    return FuncFormatter(lambda value, _pos: f"{value:,.0f}".replace(",", mark))

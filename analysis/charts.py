"""Charts of satisfaction rates for reports: matplotlib ``Figure`` objects.

matplotlib is imported when a chart is drawn, not when :mod:`analysis` is.
Figures are built directly (``matplotlib.figure.Figure`` with an Agg canvas):
pyplot and its global state are never touched, so the functions are safe in
a web worker. Save with ``fig.savefig(buffer, format="png")`` (or "svg", "pdf").

Readability: text is set in DejaVu Sans, matplotlib's bundled font, which has
the Vietnamese diacritics; colours are from the Okabe-Ito palette, readable
with colour-vision deficiencies, and a verdict is also shown by marker shape
(met ▲, not met ▼, undecided ●) and in words.

Numbers are written by ``percent(fraction, decimals) -> str``, passed in by the
caller (the app passes its Babel formatter: "90,3 %" in Vietnamese); without one, a
plain formatter with the language's decimal mark is used. Axis ticks are written at
the precision of their spacing (97,5 % for ticks 2.5 points apart, not 98 %).

Every chart takes labels and, beside them, :class:`analysis.RateEstimate` values
(rate, interval, and optionally target and verdict): nothing else
(``SatisfactionTable.estimates()`` and ``rate_estimate()`` make them).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.chart_words import DECIMAL_MARK, WORDS
from analysis.rates import RateEstimate

if TYPE_CHECKING:  # pragma: no cover - typing only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
Percent = Callable[[float, int], str]
# Rows of one caterpillar chart: more would squeeze each label below a readable size.
ROWS_PER_CHART = 40
# Okabe & Ito (2008), "Color Universal Design".
BLUE, GREEN, VERMILLION, GREY, SKY = "#0072B2", "#009E73", "#D55E00", "#595959", "#56B4E9"
VERDICT_STYLE = {
    "met": (GREEN, "^"),
    "not_met": (VERMILLION, "v"),
    "undecided": (BLUE, "o"),
    None: (GREY, "D"),
}


def rates_chart(
    labels: Sequence[str],
    estimates: Sequence[RateEstimate],
    target: float | None = None,
    title: str | None = None,
    lang: str = "vi",
    percent: Percent | None = None,
) -> Figure:
    """Vertical bars of rates with their intervals as error bars, in the given order.

    ``labels`` name the bars, one per estimate. Each estimate's own ``target`` is drawn as a
    dashed line over its bar; ``target`` draws one dashed line across all.
    The verdict (if any) is written under the rate and marked by shape.
    """
    points = _points(labels, estimates)
    words, percent = _words(lang), percent or plain_percent(lang)
    fig, ax = _figure(width=max(5.0, 0.9 * len(points) + 2), height=4.5)
    xs = range(len(points))
    ax.bar(xs, [p["rate"] for p in points], color=SKY, width=0.6, zorder=1)
    _intervals(ax, points, xs, horizontal=False, ms=8, capsize=5)
    _own_targets(ax, points, xs, horizontal=False)
    for x, p in zip(xs, points, strict=True):
        text = percent(p["rate"], 1)
        if p["verdict"] is not None:
            text += "\n" + words[p["verdict"]]
        # written at the foot of the bar, where no interval or target line runs
        ax.text(x, 0.02, text, ha="center", va="bottom", fontsize=8, fontfamily=FONT)
    ax.set_xticks(list(xs), [p["label"] for p in points], rotation=30, ha="right", fontfamily=FONT)
    ax.set_ylim(0, 1.04)
    _finish(ax, points, (words, percent), target, title, horizontal=False)
    return fig


def caterpillar_chart(
    labels: Sequence[str],
    estimates: Sequence[RateEstimate],
    target: float | None = None,
    title: str | None = None,
    lang: str = "vi",
    percent: Percent | None = None,
) -> Figure:
    """Agencies sorted by rate, each a point with its interval, against the target.

    The lowest rate is at the bottom. Marker shape and colour give the verdict
    (when the estimates carry one), so agencies whose interval lies wholly
    below the target stand out from those that are merely lower. The height
    grows with the rows (0.3 inch each), so 124 communes stay readable on a
    page that scrolls; for print, :func:`caterpillar_pages` splits them.
    """
    points = sorted(_points(labels, estimates), key=lambda p: p["rate"])
    return _caterpillar(points, target, title, lang, percent, _lower_limit(points, target))


def caterpillar_pages(
    labels: Sequence[str],
    estimates: Sequence[RateEstimate],
    target: float | None = None,
    title: str | None = None,
    lang: str = "vi",
    percent: Percent | None = None,
    rows: int = ROWS_PER_CHART,
) -> list[Figure]:
    """:func:`caterpillar_chart` split into charts of at most ``rows`` rows, for print.

    Highest rates first (chart 1 holds the top of the ranking), every chart on
    the same rate axis so that the pages compare; titles say "(1/4)" and so on.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    points = sorted(_points(labels, estimates), key=lambda p: -p["rate"])
    chunks = [points[i:i + rows] for i in range(0, len(points), rows)]
    low = _lower_limit(points, target)
    return [_caterpillar(chunk[::-1], target, _page_title(title, i, len(chunks)), lang,
                         percent, low) for i, chunk in enumerate(chunks, start=1)]


def _page_title(title: str | None, page: int, pages: int) -> str | None:
    if pages == 1:
        return title
    return f"{title or ''} ({page}/{pages})".strip()


def _caterpillar(points, target, title, lang, percent, low) -> Figure:
    words, percent = _words(lang), percent or plain_percent(lang)
    fig, ax = _figure(width=7.0, height=max(3.0, 0.3 * len(points) + 1.5))
    ys = range(len(points))
    _intervals(ax, points, ys, horizontal=True, ms=7, capsize=3)
    if target is None:
        _own_targets(ax, points, ys, horizontal=True)
    ax.set_yticks(range(len(points)), [p["label"] for p in points], fontfamily=FONT)
    ax.set_ylim(-0.7, len(points) - 0.3)
    ax.set_xlim(low, 1.02)
    _finish(ax, points, (words, percent), target, title, horizontal=True)
    return fig


def trend_chart(
    periods: Sequence[str],
    estimates: Sequence[RateEstimate],
    target: float | None = None,
    title: str | None = None,
    lang: str = "vi",
    percent: Percent | None = None,
) -> Figure:
    """A rate over periods (quarters, years) with its confidence band and the target."""
    points = _points([str(period) for period in periods], estimates)
    words, percent = _words(lang), percent or plain_percent(lang)
    fig, ax = _figure(width=max(5.0, 0.8 * len(points) + 2), height=4.0)
    xs = list(range(len(points)))
    ax.fill_between(xs, [p["low"] for p in points], [p["high"] for p in points],
                    color=SKY, alpha=0.5, label=words["interval"], linewidth=0)  # fmt: skip
    ax.plot(xs, [p["rate"] for p in points], color=BLUE, label=words["rate"])
    _markers(ax, points, xs, horizontal=False, ms=8)
    ax.set_xticks(xs, [p["label"] for p in points], fontfamily=FONT)
    ax.set_xlabel(words["period"], fontfamily=FONT)
    ax.set_ylim(_lower_limit(points, target), 1.02)
    _finish(ax, points, (words, percent), target, title, horizontal=False)
    return fig


def factor_chart(
    factors: Mapping[str, RateEstimate],
    target: float | None = None,
    title: str | None = None,
    lang: str = "vi",
    percent: Percent | None = None,
) -> Figure:
    """Factor indices (e.g. the five SIPAS factors) as horizontal bars with intervals.

    ``factors`` maps a factor's name to its estimate, in the order to draw them,
    top to bottom.
    """
    if not isinstance(factors, Mapping) or not factors:
        raise ValueError("factors must be a non-empty mapping of name -> estimate")
    points = _points([str(name) for name in factors], list(factors.values()))
    words, percent = _words(lang), percent or plain_percent(lang)
    fig, ax = _figure(width=7.5, height=max(3.0, 0.6 * len(points) + 1.5))
    ys = list(range(len(points)))[::-1]
    ax.barh(ys, [p["rate"] for p in points], color=SKY, height=0.6, xerr=_xerr_pair(points),
            error_kw={"ecolor": "black", "capsize": 4})  # fmt: skip
    _markers(ax, points, ys, horizontal=True, ms=7)
    for y, p in zip(ys, points, strict=True):
        ax.annotate(percent(p["rate"], 1), (p["high"], y), xytext=(4, 0), fontsize=8,
                    textcoords="offset points", va="center", fontfamily=FONT)  # fmt: skip
    ax.set_yticks(ys, [p["label"] for p in points], fontfamily=FONT)
    ax.set_xlim(0, 1.1)
    _finish(ax, points, (words, percent), target, title, horizontal=True, axis_word="index")
    return fig


# -- helpers ---------------------------------------------------------------------


def apart(labelled: Sequence[tuple[str, RateEstimate]]) -> tuple[list[str], list[RateEstimate]]:
    """(labels, estimates) of (label, estimate) pairs, as the charts take them."""
    return [label for label, _ in labelled], [estimate for _, estimate in labelled]


def plain_percent(lang: str = "vi") -> Percent:
    """A formatter for callers that pass none: "90,3 %" in vi, "90.3%" in en."""
    mark = DECIMAL_MARK.get(lang, ".")
    sign = " %" if lang == "vi" else "%"
    return lambda value, decimals: f"{100 * value:.{decimals}f}".replace(".", mark) + sign


def tick_places(locations: Sequence[float]) -> int:
    """Decimal places (0-3) that write every tick (fractions) exactly as a percentage."""
    points = [100 * x for x in locations]
    for places in range(3):
        if all(abs(round(p, places) - p) < 1e-6 for p in points):
            return places
    return 3


def _tick_formatter(percent: Percent):
    from matplotlib.ticker import Formatter

    class TickPercent(Formatter):
        """Each tick at the precision the spacing of all the ticks needs."""

        places = 0

        def format_ticks(self, values):
            self.places = tick_places(values)
            return [self(value, i) for i, value in enumerate(values)]

        def __call__(self, x, pos=None):
            return percent(x, self.places)

    return TickPercent()


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.grid(axis="both", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.set_axisbelow(True)
    return fig, ax


def _words(lang: str) -> dict[Any, str]:
    if lang not in WORDS:
        raise ValueError(f"unknown lang {lang!r}; choose one of {', '.join(WORDS)}")
    return WORDS[lang]


def _points(labels: Sequence[str], estimates: Sequence[RateEstimate]) -> list[dict[str, Any]]:
    if isinstance(estimates, str | bytes | Mapping) or not isinstance(estimates, Sequence):
        raise ValueError("estimates must be a sequence of RateEstimate")
    if not estimates:
        raise ValueError("nothing to draw: estimates is empty")
    if isinstance(labels, str) or len(labels) != len(estimates):
        raise ValueError(f"{len(labels)} labels for {len(estimates)} estimates")
    return [_point(i, estimate, str(text))
            for i, (estimate, text) in enumerate(zip(estimates, labels, strict=True))]


def _point(i: int, estimate: RateEstimate, label: str) -> dict[str, Any]:
    if not isinstance(estimate, RateEstimate):
        raise ValueError(f"estimate {i} is a {type(estimate).__name__}, not a RateEstimate")
    values = {}
    for name in ("rate", "low", "high"):
        value = getattr(estimate, name)
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not real or not 0.0 <= value <= 1.0:
            raise ValueError(f"estimate {i}: {name} must be a number in [0, 1], got {value!r}")
        values[name] = float(value)
    # Jeffreys at 0 or n leaves the rate outside its interval: draw the bar anyway.
    values["low"] = min(values["low"], values["rate"])
    values["high"] = max(values["high"], values["rate"])
    target = estimate.target
    if target is not None and (not isinstance(target, numbers.Real) or math.isnan(target)):
        target = None
    verdict = estimate.verdict or None
    if verdict not in VERDICT_STYLE:
        raise ValueError(f"estimate {i}: unknown verdict {verdict!r}")
    return {**values, "target": target, "verdict": verdict, "label": label}


def _intervals(ax: Axes, points: list[dict[str, Any]], positions: Sequence[int], *,
               horizontal: bool, ms: float, capsize: float) -> None:
    """Each point with its interval, one artist per verdict rather than per point: a
    ranking of 124 communes draws (and writes into its SVG) a handful of lines, not
    hundreds, and looks the same."""
    for verdict, (colour, marker) in VERDICT_STYLE.items():
        chosen = [(at, p) for at, p in zip(positions, points, strict=True)
                  if p["verdict"] == verdict]
        if not chosen:
            continue
        rates = [p["rate"] for _, p in chosen]
        places = [at for at, _ in chosen]
        error = _xerr_pair([p for _, p in chosen])
        if horizontal:
            ax.errorbar(rates, places, xerr=error, fmt=marker, color=colour, ms=ms,
                        capsize=capsize)
        else:
            ax.errorbar(places, rates, yerr=error, fmt=marker, color=colour, ms=ms,
                        capsize=capsize)


def _markers(ax: Axes, points: list[dict[str, Any]], positions: Sequence[int], *,
             horizontal: bool, ms: float) -> None:
    """Each point's verdict marker, one line artist per verdict."""
    for verdict, (colour, marker) in VERDICT_STYLE.items():
        chosen = [(at, p["rate"]) for at, p in zip(positions, points, strict=True)
                  if p["verdict"] == verdict]
        if chosen:
            places, rates = [at for at, _ in chosen], [rate for _, rate in chosen]
            x, y = (rates, places) if horizontal else (places, rates)
            ax.plot(x, y, marker=marker, color=colour, ms=ms, linestyle="none")


def _own_targets(ax: Axes, points: list[dict[str, Any]], positions: Sequence[int], *,
                 horizontal: bool) -> None:
    """Each point's own target as a short dashed line across it (one artist for all)."""
    marked = [(at, p["target"]) for at, p in zip(positions, points, strict=True)
              if p["target"] is not None]
    if not marked:
        return
    draw = ax.vlines if horizontal else ax.hlines
    draw([t for _, t in marked], [at - 0.4 for at, _ in marked], [at + 0.4 for at, _ in marked],
         colors="black", linestyles="dashed")


def _xerr_pair(points: list[dict[str, Any]]) -> list[list[float]]:
    return [[p["rate"] - p["low"] for p in points], [p["high"] - p["rate"] for p in points]]


def _lower_limit(points: list[dict[str, Any]], target: float | None) -> float:
    lowest = min([p["low"] for p in points] + ([target] if target is not None else []))
    return max(0.0, math.floor(lowest * 10 - 0.5) / 10)


def _finish(
    ax: Axes,
    points: list[dict[str, Any]],
    text: tuple[dict[Any, str], Percent],
    target: float | None,
    title: str | None,
    horizontal: bool,
    axis_word: str = "rate",
) -> None:
    """The common end of every chart: target line, percent axis, legend, title.

    ``horizontal`` charts have their rates on the x axis; ``text`` is the chart's
    words and its percent formatter.
    """
    words, percent = text
    if target is not None:
        draw = ax.axvline if horizontal else ax.axhline
        draw(target, color="black", linestyle="dashed", linewidth=1.2,
             label=f"{words['target']} {percent(target, tick_places([target]))}")  # fmt: skip
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(_tick_formatter(percent))
    axis.set_label_text(words[axis_word], fontfamily=FONT)
    _legend(ax, points, words, target is not None or any(p["target"] is not None for p in points))
    if title:
        ax.set_title(title, fontfamily=FONT)


def _legend(ax: Axes, points: list[dict[str, Any]], words: dict[Any, str], target: bool) -> None:
    from matplotlib.lines import Line2D

    handles, _ = ax.get_legend_handles_labels()
    for verdict in ("met", "not_met", "undecided"):
        if any(p["verdict"] == verdict for p in points):
            colour, marker = VERDICT_STYLE[verdict]
            handles.append(Line2D([], [], color=colour, marker=marker, linestyle="none",
                                  label=words[verdict]))  # fmt: skip
    if target and not any(str(h.get_label()).startswith(words["target"]) for h in handles):
        handles.append(Line2D([], [], color="black", linestyle="dashed", label=words["target"]))
    if handles:
        # outside the axes, so that it never hides a bar or an interval
        ax.legend(handles=handles, prop={"family": FONT, "size": 8},
                  loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)  # fmt: skip

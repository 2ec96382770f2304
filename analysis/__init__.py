"""Statistics for citizen-satisfaction surveys: rates, intervals, verdicts, comparisons.

Pure Python on numpy and scipy: no Flask, no database. The application
aggregates answers in SQL and hands counts (or row-level weights) to these
functions. Charts live in :mod:`analysis.charts` (matplotlib, imported only
there); ``python -m analysis summarize`` is the analysts' command line.
See ``docs/analysis.md`` for the methods and a worked example.
"""

from .compare import Difference, adjust_pvalues, difference_ci, independent_difference
from .funnel import Funnel, Overdispersion, funnel, funnel_limits, overdispersion
from .intervals import METHODS, Interval, exact_coverage, proportion_ci
from .rates import RateEstimate, estimate_or_none, rate_estimate
from .sampling import sample_size
from .small_area import FayHerriot, fay_herriot, proportion_variances
from .table import SatisfactionTable, TableArrays, satisfaction_table
from .verdicts import TargetVerdict, target_verdict
from .weighted import WeightedEstimate, stratified_proportion, weighted_proportion

__all__ = [
    "METHODS",
    "Difference",
    "FayHerriot",
    "Funnel",
    "Interval",
    "Overdispersion",
    "RateEstimate",
    "SatisfactionTable",
    "TableArrays",
    "TargetVerdict",
    "WeightedEstimate",
    "adjust_pvalues",
    "difference_ci",
    "estimate_or_none",
    "exact_coverage",
    "fay_herriot",
    "funnel",
    "funnel_limits",
    "independent_difference",
    "overdispersion",
    "proportion_ci",
    "proportion_variances",
    "rate_estimate",
    "sample_size",
    "satisfaction_table",
    "stratified_proportion",
    "target_verdict",
    "weighted_proportion",
]

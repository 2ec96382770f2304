"""analysis stays pure: it imports, and draws, without Flask or survey_app."""

import subprocess
import sys

import analysis

SCRIPT = """
import sys
import analysis
assert 'flask' not in sys.modules and 'survey_app' not in sys.modules, 'analysis imported the app'
assert 'matplotlib' not in sys.modules, 'import analysis pulled in matplotlib'
import analysis.charts
assert 'matplotlib' not in sys.modules, 'analysis.charts imports matplotlib eagerly'
rows = analysis.satisfaction_table([{'label': 'Đất đai', 'n': 150, 'satisfied': 132}], targets=0.9)
figure = analysis.charts.caterpillar_chart(['Đất đai'], rows.estimates(), target=0.9)
figure.savefig(__import__('io').BytesIO())
assert 'flask' not in sys.modules and 'survey_app' not in sys.modules
assert 'matplotlib.pyplot' not in sys.modules, 'charts touched pyplot'
print('ok')
"""


def test_fresh_interpreter_imports_no_flask():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_everything_is_importable_from_the_package():
    for name in analysis.__all__:
        assert getattr(analysis, name) is not None
    for name in (
        "proportion_ci",
        "target_verdict",
        "sample_size",
        "difference_ci",
        "stratified_proportion",
        "weighted_proportion",
        "adjust_pvalues",
        "satisfaction_table",
    ):
        assert name in analysis.__all__

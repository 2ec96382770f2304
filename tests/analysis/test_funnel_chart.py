"""The funnel chart: what it draws and says, in Vietnamese and English."""

import io

import numpy as np
import pytest

from analysis import funnel
from analysis.funnel_chart import funnel_chart

N = np.array([200] * 12 + [400])
X = np.array([180] * 12 + [300])  # the last unit: 75 % from 400 against a 90 % target
LABELS = [f"Xã {i}" for i in range(12)] + ["Phường Một"]


def svg(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue().decode()


def test_names_only_the_signalled_unit_and_labels_the_limits():
    result = funnel(X, N, 0.9, overdispersion="none")
    assert list(result.signal).count("below") == 1
    text = svg(funnel_chart(result, LABELS, lang="vi"))
    assert "Phường Một" in text
    assert "Xã 3" not in text
    assert "Giới hạn 95 %" in text
    assert "Giới hạn 99,8 %" in text
    assert "Không khác biệt có ý nghĩa so với chỉ tiêu" in text
    assert "điều chỉnh phân tán quá mức" not in text


def test_says_when_the_limits_are_adjusted_for_overdispersion():
    result = funnel(X, N, 0.9, overdispersion="additive")
    text = svg(funnel_chart(result, LABELS, lang="en", target_label="Pooled rate"))
    assert "(adjusted for overdispersion)" in text
    assert "Pooled rate 90%" in text


def test_refuses_labels_that_do_not_match_the_units():
    with pytest.raises(ValueError, match="12 labels for 13 units"):
        funnel_chart(funnel(X, N, 0.9), LABELS[:-1])
    with pytest.raises(ValueError, match="lang"):
        funnel_chart(funnel(X, N, 0.9), LABELS, lang="fr")

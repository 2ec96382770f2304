"""percentage: a share in %, 0–100 unless the item says otherwise.

The Ministry of Health's G1 ("what share of your expectations were met") is one:
``max: 200`` lets a citizen say a hospital did better than expected.
"""

from __future__ import annotations

import numpy as np

from survey_app.services.questionnaires.kinds.number import Number


class Percentage(Number):
    name = "percentage"
    default_range = (0, 100)

    def demo(self, rng, item):
        return None, float(np.clip(round(rng.normal(82, 12)), 0, item.get("max", 100)))


KIND = Percentage()

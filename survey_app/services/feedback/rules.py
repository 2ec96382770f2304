"""The rules of feedback cases, read from reference/feedback_cases.yaml.

Which comments are cases (low score, complaint/proposal tags; praise kept apart) and
each kind's time limit in working days. The file is data, marked to verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).resolve().parents[3] / "reference" / "feedback_cases.yaml"


@dataclass(frozen=True)
class CaseRules:
    low_score_at_most: int
    tags: dict[str, frozenset[str]]
    working_days: dict[str, int]
    sources: dict[str, str]

    def kind_of(self, score: int | None, tags: list[str]) -> str | None:
        """The case kind of a comment, or None when it asks for nothing (or is praise)."""
        tagged = {tag.lower() for tag in tags or []}
        if tagged & self.tags["praise"]:
            return None
        for kind in ("complaint", "proposal"):
            if tagged & self.tags[kind]:
                return kind
        if score is not None and score <= self.low_score_at_most:
            return "low_score"
        return None


@lru_cache(maxsize=4)
def load(path: Path = RULES_FILE) -> CaseRules:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    limits = data["working_days"]
    return CaseRules(
        low_score_at_most=int(data["low_score_at_most"]),
        tags={kind: frozenset(t.lower() for t in names) for kind, names in data["tags"].items()},
        working_days={kind: int(rule["days"]) for kind, rule in limits.items()},
        sources={kind: rule["source"] for kind, rule in limits.items()},
    )

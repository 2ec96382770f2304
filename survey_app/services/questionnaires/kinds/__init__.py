"""The registry of question kinds: one module per kind, each exporting `KIND`.

`get(name)` is the only way in, and it fails loudly (`UnknownKind`) for a name no
module registers, so a questionnaire, a form, an import or an export never skips an
item silently. To add a kind: write its module (see `base.Kind`), add it to `_MODULES`,
test it, and describe it in questionnaires/FORMAT.md.
"""

from __future__ import annotations

from survey_app.errors import DomainError
from survey_app.services.questionnaires.kinds import (
    multiple_choice,
    number,
    percentage,
    scale5,
    single_choice,
    text,
    yes_no,
)
from survey_app.services.questionnaires.kinds.base import NOT_USED, Kind

_MODULES = (scale5, single_choice, multiple_choice, yes_no, number, percentage, text)
KINDS: dict[str, Kind] = {module.KIND.name: module.KIND for module in _MODULES}

__all__ = ["KINDS", "NOT_USED", "Kind", "UnknownKind", "get", "names"]


class UnknownKind(DomainError):
    """An item type no kind module registers."""


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except (KeyError, TypeError):
        raise UnknownKind("kind_unknown", name=repr(name), known=", ".join(KINDS)) from None


def names() -> tuple[str, ...]:
    return tuple(KINDS)

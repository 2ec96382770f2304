"""Fuzzing the questionnaire and reference-data loaders with malformed files.

The real files are parsed, mutated by hypothesis (keys deleted, values replaced by
other types, items duplicated, text truncated, bytes garbled) and written back.
What must hold: the loader either accepts the file or answers with its named error
listing problems that name the file; nothing else escapes, and a refused load
leaves every table as it was (all or nothing).
"""

from __future__ import annotations

import copy
import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from support import PROJECT
from survey_app.extensions import db
from survey_app.models import (
    Agency,
    Counter,
    Plan,
    Procedure,
    Questionnaire,
    QuestionnaireVersion,
    Sector,
    Target,
)
from survey_app.services.questionnaires import files as questionnaire_files
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.reference import files as reference_data

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
# Reproducible or exploring by the profile loaded in conftest.py (FUZZ_EXPLORE=1).
# No shrinking: a mutated 40 kB file shrinks for minutes; the failure report shows
# the file's first bytes and the traceback instead.
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                phases=[Phase.explicit, Phase.reuse, Phase.generate], print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
QUESTIONNAIRE = PROJECT / "questionnaires" / "one-stop-sipas.v1.yaml"
REFERENCE = {name: PROJECT / "reference" / name
             for name in ("sectors.yaml", "agencies.yaml", "targets.yaml")}
TABLES = (Agency, Counter, Sector, Procedure, Plan, Target, Questionnaire, QuestionnaireVersion)

ODD_VALUES = (
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats()
    | st.text(max_size=50) | st.just("x" * 10_000) | st.dates(date(1, 1, 1))
    | st.lists(st.integers(), max_size=3) | st.dictionaries(st.text(max_size=5),
                                                              st.integers(), max_size=2)
    | st.sampled_from(["", " ", "\u0000", "<script>alert(1)</script>", "'; DROP TABLE x;--",
                       "\u202etxt.exe", "ｖｉ", "dat-dai", "province", "scale5"])
)


def _spots(node):
    """Every (container, key) inside a parsed YAML document."""
    if isinstance(node, dict):
        for key in list(node):
            yield node, key
            yield from _spots(node[key])
    elif isinstance(node, list):
        for index in range(len(node)):
            yield node, index
            yield from _spots(node[index])


@st.composite
def mutated(draw, original: dict):
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        spots = list(_spots(data))
        if not spots:
            break
        container, key = draw(st.sampled_from(spots))
        action = draw(st.sampled_from(["delete", "replace", "duplicate", "rename"]))
        if action == "delete":
            del container[key]
        elif action == "replace":
            container[key] = draw(ODD_VALUES)
        elif action == "duplicate" and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        elif isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=12))] = container.pop(key)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


@st.composite
def garbled(draw, original: bytes):
    """Raw damage: truncation, random bytes spliced in, or not UTF-8 at all."""
    kind = draw(st.sampled_from(["truncate", "splice", "latin1", "random"]))
    if kind == "truncate":
        return original[:draw(st.integers(0, len(original)))]
    if kind == "splice":
        at = draw(st.integers(0, len(original)))
        return original[:at] + draw(st.binary(min_size=1, max_size=20)) + original[at:]
    if kind == "latin1":
        return original.decode("utf-8").encode("latin-1", errors="replace")
    return draw(st.binary(max_size=500))


def _counts() -> dict:
    db.session.rollback()
    return {model.__name__: db.session.execute(
        select(func.count()).select_from(model)).scalar_one() for model in TABLES}


def _check_questionnaire(tmp_path: Path, content: bytes) -> None:
    note(f"questionnaire: {content[:300]!r}")
    path = tmp_path / "fuzzed.yaml"
    path.write_bytes(content)
    before = _counts()
    problems, conflict = [], ""
    try:
        qfile = questionnaire_files.read(path)
    except questionnaire_files.InvalidQuestionnaire as error:
        problems = [str(p) for p in error.problems] or ["(none listed)"]
    if problems:
        assert all(p.startswith(str(path)) and p != str(path) for p in problems), problems
        assert _counts() == before
        return
    try:
        questionnaires.load([qfile])
    except questionnaires.QuestionnaireConflict as error:
        conflict = str(error) or "(no message)"
    if conflict:
        assert conflict != "(no message)"
        assert _counts() == before  # a changed published version is refused whole


@FUZZ
@given(content=mutated(yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))))
def test_mutated_questionnaires_are_refused_clearly(app_context, tmp_path, content):
    _check_questionnaire(tmp_path, content)


@FUZZ
@given(content=garbled(QUESTIONNAIRE.read_bytes()))
def test_garbled_questionnaires_are_refused_clearly(app_context, tmp_path, content):
    _check_questionnaire(tmp_path, content)


def _check_reference(tmp_path: Path, name: str, content: bytes) -> None:
    note(f"{name}: {content[:300]!r}")
    paths = []
    for other, source in REFERENCE.items():
        path = tmp_path / other
        path.write_bytes(content if other == name else source.read_bytes())
        paths.append(path)
    before = _counts()
    problems = None
    try:
        reference_data.load(paths)
    except reference_data.InvalidReferenceData as error:
        problems = error.problems
    if problems is not None:
        assert problems
        assert all(isinstance(p, str) and str(tmp_path) in p for p in problems), problems
        assert _counts() == before


def _with_a_repeated_target() -> bytes:
    """What this fuzzer found in one run of three (issue 15, row 18): a plan's first
    target twice, which ended in an IntegrityError instead of a located problem."""
    data = yaml.safe_load(REFERENCE["targets.yaml"].read_text(encoding="utf-8"))
    data["plans"][0]["targets"].append(copy.deepcopy(data["plans"][0]["targets"][0]))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


REPEATED_TARGET = _with_a_repeated_target()


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_mutated_reference_files_are_refused_clearly(app_context, tmp_path, name):
    original = yaml.safe_load(REFERENCE[name].read_text(encoding="utf-8"))

    @FUZZ
    @given(content=mutated(original) | garbled(REFERENCE[name].read_bytes()))
    @example(content=REPEATED_TARGET)
    def run(content):
        _check_reference(tmp_path, name, content)

    run()


YAML_BOMB = b"""a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
"""


@pytest.mark.parametrize("content", [
    YAML_BOMB + b"sectors: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nagencies: *g\n",
    b"!!python/object/apply:os.system ['echo pwned']\n",
    b"sectors: !!python/name:os.system\n",
    b"\xff\xfes\x00e\x00",  # UTF-16
    b"- just\n- a list\n",
])
def test_hostile_reference_files(app_context, tmp_path, content):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    before = _counts()
    with pytest.raises(reference_data.InvalidReferenceData):
        reference_data.load([path])
    assert _counts() == before


@pytest.mark.parametrize("content", [
    YAML_BOMB + b"id: bomb\nversion: 1\nsections: *f\n",
    b"!!python/object/apply:os.system ['echo pwned']\n",
    b"",
    b"null\n",
])
def test_hostile_questionnaire_files(app_context, tmp_path, content):
    path = tmp_path / "q.yaml"
    path.write_bytes(content)
    with pytest.raises(questionnaire_files.InvalidQuestionnaire) as refused:
        questionnaire_files.read(path)
    assert refused.value.problems

"""Reading and checking questionnaire files (format: questionnaires/FORMAT.md).

Validation = the JSON Schema beside the files + rules of meaning the schema cannot
say. Every problem is reported, not only the first, as `file: where: problem`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from survey_app.config import PROJECT_DIR
from survey_app.errors import DomainError
from survey_app.services.questionnaires import kinds
from survey_app.services.reference.yaml_lines import safe_load
from survey_app.vocabulary import QuestionnaireKind

SCHEMA_PATH = PROJECT_DIR / "questionnaires" / "questionnaire.schema.json"
# Item keys that belong to one kind or a few (the kinds' `keys`), and who may carry each.
KIND_KEYS = {key: [k.name for k in kinds.KINDS.values() if key in k.keys]
             for key in set().union(*(k.keys for k in kinds.KINDS.values()))}


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


@dataclass(frozen=True)
class QuestionnaireFile:
    path: Path
    definition: dict
    sha256: str

    @property
    def code(self) -> str:
        return self.definition["id"]

    @property
    def version(self) -> int:
        return self.definition["version"]


class InvalidQuestionnaire(DomainError):
    """Every problem of the files, one `file: where: problem` line each (in English)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("file_problems", problems="\n".join(str(p) for p in problems))
        self.problems = problems


_validator: Draft202012Validator | None = None


def schema() -> dict:
    """The JSON Schema of a questionnaire file, its lists of codes from `vocabulary`
    and the registry of question kinds.

    The file beside the questionnaires is for editors; a test keeps it equal to this.
    """
    document = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    document["properties"]["kind"]["enum"] = list(QuestionnaireKind.values())
    document["$defs"]["item"]["properties"]["type"]["enum"] = list(kinds.names())
    return document


def _schema_validator() -> Draft202012Validator:
    global _validator
    if _validator is None:
        _validator = Draft202012Validator(schema())
    return _validator


def find_files(paths: list[Path]) -> list[Path]:
    """Questionnaire files named by `paths` (folders give their *.yaml files)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            found.append(path)
    return found


def read(path: Path) -> QuestionnaireFile:
    """Parse and fully check one file; raises InvalidQuestionnaire listing every problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
        data = safe_load(raw.decode("utf-8"))
    except OSError as error:
        raise InvalidQuestionnaire([Problem(name, "file", error.strerror or str(error))]) from None
    except UnicodeDecodeError:
        raise InvalidQuestionnaire([Problem(name, "file", "not UTF-8 text")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise InvalidQuestionnaire([Problem(name, where, f"YAML: {problem}")]) from None
    problems = check(data, name)
    if problems:
        raise InvalidQuestionnaire(problems)
    # Hash the meaning, not the bytes: re-indenting a file is not a new version.
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return QuestionnaireFile(path, data, hashlib.sha256(canonical).hexdigest())


def check(data, name: str) -> list[Problem]:
    """Every problem with a parsed file: schema first, then the rules of meaning."""
    if not isinstance(data, dict):
        return [Problem(name, "file", "expected a mapping at the top level")]
    problems = [
        Problem(name, _where(data, error.absolute_path), error.message)
        for error in sorted(_schema_validator().iter_errors(data), key=lambda e: e.json_path)
    ]
    return problems + _meaning_problems(data, name)


def _where(data, path) -> str:
    """A readable location: `item a3: label` rather than `sections.0.items.2.label`."""
    parts = list(path)
    where: list[str] = []
    node = data
    for index, part in enumerate(parts):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
        named = isinstance(node, dict) and isinstance(node.get("id"), str)
        container = parts[index - 1] if index else None
        if named and container in {"sections", "items", "factors"}:
            kind = {"sections": "section", "items": "item", "factors": "factor"}[container]
            where = [f"{kind} {node['id']}"]
        else:
            where.append(str(part))
    return ".".join(where) if where else "top level"


def _meaning_problems(data: dict, name: str) -> list[Problem]:
    """Rules the schema cannot say. Values of the wrong type were reported by the
    schema already; here they are skipped, never trusted."""
    problems: list[Problem] = []
    items: dict[str, dict] = {}
    for section in _dicts(data.get("sections")):
        for item in _dicts(section.get("items")):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in items:
                problems.append(Problem(name, f"item {item_id}", "duplicate item id"))
            items[item_id] = item
            problems.extend(_item_problems(item, name))

    overall = data.get("overall_item")
    if isinstance(overall, str):
        if overall not in items:
            problems.append(Problem(name, "overall_item", f"no item with id {overall!r}"))
        elif items[overall].get("type") != "scale5":
            problems.append(Problem(name, "overall_item", f"{overall!r} is not a scale5 item"))

    for factor in _dicts(data.get("factors")):
        where = f"factor {factor.get('id')}"
        members = factor.get("items")
        if not isinstance(members, list):
            continue
        if not members:
            problems.append(Problem(name, where, "has no items"))
        for member in members:
            if not isinstance(member, str):
                continue
            if member not in items:
                problems.append(Problem(name, where, f"no item with id {member!r}"))
            elif items[member].get("type") != "scale5":
                problems.append(Problem(name, where, f"{member!r} is not a scale5 item"))
    problems.extend(_first_page_problems(data, items, name))
    return problems


def _first_page_problems(data: dict, items: dict, name: str) -> list[Problem]:
    """The first page names existing items, the overall item among them."""
    first = data.get("first_page")
    if not isinstance(first, list):
        return []
    problems = [Problem(name, "first_page", f"no item with id {member!r}")
                for member in first if isinstance(member, str) and member not in items]
    if data.get("overall_item") not in first:
        problems.append(Problem(name, "first_page", "must include the overall item"))
    return problems


def _only_for(key: str) -> str:
    if key == "options":
        return "options are only for choice items"
    return f"{key} is only for {' and '.join(KIND_KEYS[key])} items"


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _item_problems(item: dict, name: str) -> list[Problem]:
    """Keys that the item's kind does not take, and what its kind module asks for.
    An unknown type was reported by the schema already (its enum is the registry)."""
    where = f"item {item['id']}"
    declared = item.get("type")
    kind = kinds.KINDS.get(declared) if isinstance(declared, str) else None
    if kind is None:
        return []
    problems = [Problem(name, where, f"{_only_for(key)}, not {kind.name}")
                for key in sorted(KIND_KEYS) if key in item and key not in kind.keys]
    return problems + [Problem(name, where, text) for text in kind.declaration_problems(item)]


def items_of(definition: dict) -> dict[str, dict]:
    """The items of a parsed definition by id, in form order."""
    return {item["id"]: item for section in definition["sections"] for item in section["items"]}



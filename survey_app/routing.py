"""A view module's routes and hooks, recorded where they are written and put on a
blueprint only when the package's `make_blueprint()` asks for them.

A view module declares `views = Views()` and decorates as it would with a blueprint
(`@views.get("/")`); the package lists its modules in `make_blueprint()`, so which views
exist is read in one place instead of being a side effect of importing a module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint

F = TypeVar("F", bound=Callable[..., Any])


class Views:
    """Routes, request hooks and template helpers waiting for their blueprint."""

    def __init__(self) -> None:
        self._steps: list[Callable[[Blueprint], object]] = []

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        endpoint = options.pop("endpoint", None)

        def record(view: F) -> F:
            self._steps.append(lambda bp: bp.add_url_rule(rule, endpoint, view, **options))
            return view

        return record

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        return self.route(rule, methods=["POST"], **options)

    def before_request(self, hook: F) -> F:
        self._steps.append(lambda bp: bp.before_request(hook))
        return hook

    def context_processor(self, processor: F) -> F:
        self._steps.append(lambda bp: bp.context_processor(processor))
        return processor

    def app_template_global(self, name: str | None = None) -> Callable[[F], F]:
        def record(helper: F) -> F:
            self._steps.append(lambda bp: bp.add_app_template_global(helper, name))
            return helper

        return record

    def register(self, bp: Blueprint) -> None:
        for step in self._steps:
            step(bp)

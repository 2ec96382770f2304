"""Blueprints are wired explicitly: every view module is listed in its package's
make_blueprint(), and importing a view module registers nothing by itself."""

import importlib
import pkgutil

import pytest

from survey_app import api, public, staff
from survey_app.routing import Views

PACKAGES = (api, public, staff)


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_every_view_module_is_listed(package):
    declaring = set()
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if isinstance(getattr(module, "views", None), Views):
            declaring.add(module.__name__)
    listed = {module.__name__ for module in package.VIEW_MODULES}
    assert declaring == listed


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_each_call_makes_a_new_blueprint_with_every_view(package):
    first, second = package.make_blueprint(), package.make_blueprint()
    assert first is not second
    assert len(first.deferred_functions) == len(second.deferred_functions) > 0


def test_the_app_serves_the_views_of_each_package(app):
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert {"public", "staff", "api", "health"} <= endpoints

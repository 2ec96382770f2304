"""Make ``import analysis`` find the package, not this test folder.

tests/conftest.py puts ``tests/`` on sys.path (for ``support``), where this
folder, having no ``__init__.py``, passes for a namespace package called
``analysis``; the editable install's import hook comes after the path search,
so the namespace package would win. With the project root on sys.path the
regular package is found first (a regular package beats namespace portions
wherever they are on the path). ``pythonpath = ["."]`` in the pytest
configuration would do the same for the whole suite.
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
_cached = sys.modules.get("analysis")
if _cached is not None and getattr(_cached, "__file__", None) is None:
    for _name in [m for m in sys.modules if m == "analysis" or m.startswith("analysis.")]:
        del sys.modules[_name]

"""The binding of this run's release: the one import the step libraries make of release-specific code.

The run's release is the installed backend.ai-manager version (support.engine.releases); its entry
names the binding package under support.bindings, whose ``api`` module provides the names the step
libraries may use (support/bindings/names.py lists them). For the type checker, the names are those of the 26.3 binding; every binding's ``api``
exports the same names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from support.bindings.names import API_NAMES
from support.engine import releases

RELEASE = releases.current()

if TYPE_CHECKING:
    from support.bindings.gen_26_3.api import *
else:
    _api = importlib.import_module(f"{RELEASE.binding_module}.api")
    _missing = sorted(name for name in API_NAMES if not hasattr(_api, name))
    if _missing:
        raise ImportError(f"{RELEASE.binding_module}.api lacks {', '.join(_missing)} (support/bindings/names.py)")
    globals().update({name: getattr(_api, name) for name in API_NAMES})

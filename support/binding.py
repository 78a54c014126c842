"""The binding of this run's release: the one import the step libraries make of release-specific code.

The run's release is the installed backend.ai-manager version (support.engine.releases); its entry
names the binding package under support.bindings, whose ``api`` module lists what the step libraries
may use. For the type checker, the names are those of the 26.3 binding; every binding's ``api``
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
    _missing = sorted(API_NAMES - set(_api.__all__))
    if _missing:
        raise ImportError(f"{RELEASE.binding_module}.api lacks {', '.join(_missing)} (support/bindings/names.py)")
    globals().update({name: getattr(_api, name) for name in _api.__all__})
    __all__ = ["RELEASE", *_api.__all__]  # noqa: PLE0604 - the names of the release's binding

"""What the step libraries use of the 26.9 binding (backend.ai-manager 26.9.6).

The names the binding does not reach yet are placeholders that refuse to be used
(support.bindings.gen_26_9.unbound); releases/26.9.6/verdicts/ declares those features unbound.
"""

from support.bindings.gen_26_9 import unbound
from support.bindings.names import API_NAMES

PLUGINS: tuple[str, ...] = ()

globals().update({name: unbound.placeholder(name) for name in API_NAMES - {"PLUGINS"} if name not in globals()})
__all__ = sorted(API_NAMES)  # noqa: PLE0605 - the names of every binding

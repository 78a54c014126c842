"""The typed pieces of step sentences, parsed in one place.

Step definitions use ``phrase("...")``, a ``parsers.parse`` pattern that knows these types:

  {status:SessionStatus}  PENDING, SCHEDULED, ...       -> SessionStatus
  {status:KernelStatus}   RUNNING, TERMINATED, ...      -> KernelStatus
  {path:SessionStatuses}  PENDING, SCHEDULED and RUNNING -> list[SessionStatus] (in order)
  {result:Result}         SUCCESS, NEED_RETRY, EXPIRED, GIVE_UP, SKIPPED, FAILURE -> SchedulingResult
  {mode:ClusterMode}      single-node | multi-node      -> ClusterMode
  {slots:Resources}       "2 CPUs and 4 GiB", "1 CPU", "4 CPUs, 8 GiB and 1 GPU" -> ResourceSlot
  {names:Names}           "s1", "s1" and "s2", "a", "b" and "c"                -> list[str]
  {duration:Duration}     "16 minutes", "1 minute", "30 seconds"              -> timedelta
  {count:Kernels}         "1 kernel", "2 kernels"                              -> int
  {count:Agents}          "1 agent", "2 agents"                                -> int
  {moment:Moment}         "in 1 minute", "1 minute ago"                        -> timedelta from now
  {state:DeploymentState} a BEP or release deployment state -> StateWord (the binding's vocabulary)
  {state:RouteState}      a BEP or release route state      -> StateWord (the binding's vocabulary)
  {count:Replicas}        "1 replica", "3 replicas"        -> int
  "{name:Name}"           a quoted name: anything but a double quote           -> str

Quoted names always use the Name type, so that a short sentence can never match a longer one
by swallowing the rest of it into a name.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import parse
from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.common.types import ClusterMode, ResourceSlot
from ai.backend.manager.data.deployment.types import RouteStatus
from ai.backend.manager.data.kernel.types import KernelStatus
from ai.backend.manager.data.session.types import SchedulingResult, SessionStatus
from pytest_bdd import parsers

from support.binding import GiB, StateWord, deployment_state, route_state


def _typed(pattern: str):
    def wrap(convert):
        return parse.with_pattern(pattern)(convert)

    return wrap


@_typed(r"[A-Z_]+")
def _session_status(text: str) -> SessionStatus:
    return SessionStatus[text]


@_typed(r"[A-Z_]+")
def _kernel_status(text: str) -> KernelStatus:
    return KernelStatus[text]


@_typed(r"[A-Z_]+(?:, [A-Z_]+)*(?: and [A-Z_]+)?")
def _session_statuses(text: str) -> list[SessionStatus]:
    return [SessionStatus[word] for word in re.split(r", | and ", text)]


@_typed(r"SUCCESS|FAILURE|NEED_RETRY|EXPIRED|GIVE_UP|SKIPPED")
def _scheduling_result(text: str) -> SchedulingResult:
    return SchedulingResult[text]


@_typed(r"single-node|multi-node")
def _cluster_mode(text: str) -> ClusterMode:
    return ClusterMode(text)


_RESOURCES_TEXT = r"\d+(?:\.\d+)? CPUs?(?:(?:,| and) \d+(?:\.\d+)? GiB)?(?: and \d+ GPUs?)?"
_RESOURCES = re.compile(
    r"(?P<cpu>\d+(?:\.\d+)?) CPUs?(?:(?:,| and) (?P<mem>\d+(?:\.\d+)?) GiB)?(?: and (?P<gpu>\d+) GPUs?)?"
)


@_typed(_RESOURCES_TEXT)
def _resources(text: str) -> ResourceSlot:
    m = _RESOURCES.fullmatch(text)
    assert m is not None, text
    slot = ResourceSlot({"cpu": Decimal(m["cpu"])})
    if m["mem"]:
        slot["mem"] = Decimal(int(Decimal(m["mem"]) * GiB))
    if m["gpu"]:
        slot["cuda.device"] = Decimal(m["gpu"])
    return slot


@_typed(r'"[^"]+"(?:, "[^"]+")*(?: and "[^"]+")?')
def _names(text: str) -> list[str]:
    return re.findall(r'"([^"]+)"', text)


_UNITS = {"second": "seconds", "minute": "minutes", "hour": "hours"}


@_typed(r"\d+ (?:seconds?|minutes?|hours?)")
def _duration(text: str) -> timedelta:
    amount, unit = text.split()
    return timedelta(**{_UNITS[unit.rstrip("s")]: int(amount)})


@_typed(r"\d+ kernels?")
def _kernel_count(text: str) -> int:
    return int(text.split()[0])


@_typed(r"\d+ agents?")
def _agent_count(text: str) -> int:
    return int(text.split()[0])


@_typed(r"in \d+ (?:seconds?|minutes?|hours?)|\d+ (?:seconds?|minutes?|hours?) ago")
def _moment(text: str) -> timedelta:
    if text.startswith("in "):
        return _duration(text.removeprefix("in "))
    return -_duration(text.removesuffix(" ago"))


@_typed(r'[^"]+')
def _name(text: str) -> str:
    return text


@_typed(r"[A-Z][A-Z_]+")
def _deployment_state(text: str) -> StateWord[EndpointLifecycle]:
    return deployment_state(text)


@_typed(r"[A-Z][A-Z_]+")
def _route_state(text: str) -> StateWord[RouteStatus]:
    return route_state(text)


@_typed(r"\d+ replicas?")
def _replicas(text: str) -> int:
    return int(text.split()[0])


TYPES = {
    "SessionStatus": _session_status,
    "KernelStatus": _kernel_status,
    "SessionStatuses": _session_statuses,
    "Result": _scheduling_result,
    "ClusterMode": _cluster_mode,
    "Resources": _resources,
    "Names": _names,
    "Duration": _duration,
    "Kernels": _kernel_count,
    "Agents": _agent_count,
    "Moment": _moment,
    "Name": _name,
    "DeploymentState": _deployment_state,
    "RouteState": _route_state,
    "Replicas": _replicas,
}


def phrase(pattern: str) -> parsers.parse:
    """A step pattern with this suite's types (see the module docstring)."""
    return parsers.parse(pattern, extra_types=TYPES)

"""Failures the coordinator classifies (database tier): a handler that fails sessions, and what a
failure did to a session's kernels.

No production handler of 26.3.3 reaches the coordinator's failure buckets, so a scenario puts a
purpose-built handler (support.bindings.gen_26_3.probe_handler, named "failing-probe") in the place of a production
one: the real coordinator then queries its sessions, reads their history, classifies the failures
and applies the transitions, as it would for any handler.
"""

from __future__ import annotations

from datetime import timedelta

from ai.backend.manager.data.session.types import SessionStatus

from support.binding import CoordinatorWorld, DatabaseReader, failing_probe
from support.engine.bdd import given, then
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase("a handler that fails every {status:SessionStatus} session takes the place of {name:Name}"))
def failing_handler_in_place_of(world: CoordinatorWorld, status: SessionStatus, name: str) -> None:
    world.install_handler_in_place_of(name, failing_probe(status))


@given(phrase('the options of session "{name:Name}" give the {handler:Name} handler a timeout of {timeout:Duration}'))
def handler_timeout(world: CoordinatorWorld, name: str, handler: str, timeout: timedelta) -> None:
    """A phase time limit set per session and handler (26.4: ``HandlerOptions.timeout``)."""
    if not hasattr(world, "time_out_handler"):
        raise NotImplementedError("this release keeps no per-session time limit for a handler")
    world.time_out_handler(name, handler, timeout)


# -- Then ------------------------------------------------------------------------------------------


@then(phrase('kernel "{kernel:Name}" is placed on no agent'))
async def kernel_on_no_agent(world: CoordinatorWorld, kernel: str) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["agent"] is None and row["agent_addr"] is None, (
        f"kernel {kernel} is still placed on agent {row['agent']!r} ({row['agent_addr']!r})"
    )


@then(phrase('kernel "{kernel:Name}" is still placed on agent "{agent:Name}"'))
async def kernel_still_on_agent(world: CoordinatorWorld, kernel: str, agent: str) -> None:
    row = await DatabaseReader(world.database.engine).kernel(world.names.kernel(kernel))
    assert row["agent"] == agent, f"kernel {kernel} is placed on {row['agent']!r}, not {agent}"

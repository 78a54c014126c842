"""What a session handler reported, and where that takes each session."""

from __future__ import annotations

from ai.backend.manager.data.session.types import SessionStatus
from ai.backend.manager.sokovan.scheduler.results import SessionExecutionResult

from support.binding import SchedulerWorld, assert_reported, find, session_destination, summary
from support.engine.bdd import then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase


def assert_session_reported(world: SchedulerWorld, name: str, bucket: str, reason: str | None = None):
    return assert_reported(world.last_run, world.names, name, world.names.session(name), bucket, reason)


@then(phrase('session "{name:Name}" is reported as a success'))
def success(world: SchedulerWorld, name: str) -> None:
    assert_session_reported(world, name, "successes")


@then(phrase('session "{name:Name}" is reported as a success with reason "{reason:Name}"'))
def success_with_reason(world: SchedulerWorld, name: str, reason: str) -> None:
    assert_session_reported(world, name, "successes", reason)


@then(phrase("sessions {names:Names} are reported as successes"))
def successes(world: SchedulerWorld, names: list[str]) -> None:
    for name in names:
        assert_session_reported(world, name, "successes")


@then(phrase('session "{name:Name}" is reported as a failure'))
def failure(world: SchedulerWorld, name: str) -> None:
    assert_session_reported(world, name, "failures")


@then(phrase('session "{name:Name}" is reported as a failure with reason "{reason:Name}"'))
def failure_with_reason(world: SchedulerWorld, name: str, reason: str) -> None:
    assert_session_reported(world, name, "failures", reason)


@then(phrase('session "{name:Name}" is reported as a failure with status info "{status_info:Name}"'))
async def failure_with_status_info(world: SchedulerWorld, name: str, status_info: str) -> None:
    # A scheduling failure's message is what the repository stores as the session's status_info.
    assert_session_reported(world, name, "failures")
    recorded = await world.scheduling_failure(name)
    assert recorded == status_info, f"the status info recorded for {name} is {recorded!r}"


@then(phrase('session "{name:Name}" is reported as skipped'))
def skipped(world: SchedulerWorld, name: str) -> None:
    assert_session_reported(world, name, "skipped")


@then(phrase('session "{name:Name}" is reported as skipped with reason "{reason:Name}"'))
def skipped_with_reason(world: SchedulerWorld, name: str, reason: str) -> None:
    assert_session_reported(world, name, "skipped", reason)


@then(phrase('session "{name:Name}" is not reported'))
def not_reported(world: SchedulerWorld, name: str) -> None:
    worked_on(world, world.names.session(name), f"session {name!r}")
    bucket, _ = find(world.last_run, world.names.session(name))
    assert bucket is None, f"{name} was reported. {summary(world.last_run, world.names)}"


@then("the handler reports no session")
def reports_nothing(world: SchedulerWorld) -> None:
    result = world.last_run.result
    assert isinstance(result, SessionExecutionResult), f"{world.last_run.name} reports kernels, not sessions"
    assert not (result.successes or result.failures or result.skipped), summary(world.last_run, world.names)


@then("no session is skipped")
def none_skipped(world: SchedulerWorld) -> None:
    result = world.last_run.result
    assert isinstance(result, SessionExecutionResult), f"{world.last_run.name} reports kernels, not sessions"
    assert not result.skipped, summary(world.last_run, world.names)


@then(phrase('session "{name:Name}" moves to {status:SessionStatus}'))
def moves_to(world: SchedulerWorld, name: str, status: SessionStatus) -> None:
    target = session_destination(world.last_run, world.names, name, world.names.session(name))
    assert target == status, f"session {name} moves to {target}, not to {status}"


@then(phrase('no error is recorded for session "{name:Name}"'))
def no_error_recorded(world: SchedulerWorld, name: str) -> None:
    recorded = world.repository.error_infos.get(world.names.session(name))
    assert recorded is None, f"an error was recorded for {name}: {recorded}"


@then("nothing is written about any session")
def nothing_written(world: SchedulerWorld) -> None:
    writes = world.repository.writes()
    assert not writes, f"the scheduler wrote: {', '.join(writes)}"

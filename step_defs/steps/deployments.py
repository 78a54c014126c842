"""Deployments (model-serving endpoints): arranging them, their lifecycle, their history, and what
the deployment handlers report about them. BEP state words are bound in support.vocabulary."""

from __future__ import annotations

from ai.backend.common.types import RuntimeVariant
from ai.backend.manager.data.deployment.types import RouteStatus, RouteTrafficStatus
from ai.backend.manager.data.session.types import SchedulingResult, SessionStatus

from support import swallowed
from support.bdd import given, then
from support.phrases import phrase
from support.serving_world import ServingWorld
from support.vocabulary import StateWord, code_state

# -- Given -----------------------------------------------------------------------------------------


@given(phrase('deployment "{name:Name}" is {state:DeploymentState}'))
def deployment_in(world: ServingWorld, name: str, state: StateWord) -> None:
    world.add_deployment(name, code_state(state))


@given(phrase('deployment "{name:Name}" is {state:DeploymentState} with {count:Replicas}'))
def deployment_with_replicas(world: ServingWorld, name: str, state: StateWord, count: int) -> None:
    world.add_deployment(name, code_state(state), replicas=count)


@given(phrase('the autoscaler has set deployment "{name:Name}" to {count:Replicas}'))
def desired_replicas(world: ServingWorld, name: str, count: int) -> None:
    world.amend_deployment(name, desired_replicas=count)


@given(phrase('deployment "{name:Name}" serves a custom model whose model folder no longer exists'))
def custom_model_without_folder(world: ServingWorld, name: str) -> None:
    world.amend_deployment(name, runtime_variant=RuntimeVariant.CUSTOM, model=None)


@given(phrase('an inference session "{session:Name}" belongs to no deployment and is {status:SessionStatus}'))
def orphaned_session(world: ServingWorld, session: str, status: SessionStatus) -> None:
    world.add_session(session, status)  # no route is linked to it


@given("the database refuses changes to routes")
async def routes_read_only(world: ServingWorld) -> None:
    await world.refuse_route_updates("changes to routes are refused")


# -- Then: lifecycle -------------------------------------------------------------------------------


async def _lifecycle(world: ServingWorld, name: str):
    return (await world.read.deployment(world.deployment(name)))["lifecycle_stage"]


async def _assert_lifecycle(world: ServingWorld, name: str, state: StateWord) -> None:
    actual = await _lifecycle(world, name)
    assert state.code is not None, f"deployment {name!r} is {actual.name}: 26.3.3 has no {state.word} deployment state ({state.note})"
    assert actual == state.code, f"deployment {name!r} is {actual.name}, not {state}"


@then(phrase('deployment "{name:Name}" moves to {state:DeploymentState}'))
async def deployment_moves_to(world: ServingWorld, name: str, state: StateWord) -> None:
    await _assert_lifecycle(world, name, state)


@then(phrase('deployment "{name:Name}" stays {state:DeploymentState}'))
async def deployment_stays(world: ServingWorld, name: str, state: StateWord) -> None:
    await _assert_lifecycle(world, name, state)


@then(phrase('deployment "{name:Name}" now wants {count:Replicas}'))
async def deployment_wants(world: ServingWorld, name: str, count: int) -> None:
    row = await world.read.deployment(world.deployment(name))
    assert row["desired_replicas"] == count, f"deployment {name!r} wants {row['desired_replicas']} replicas"


@then(phrase('the target replica count of deployment "{name:Name}" is unchanged'))
async def replicas_unchanged(world: ServingWorld, name: str) -> None:
    row = await world.read.deployment(world.deployment(name))
    assert row["desired_replicas"] is None, f"deployment {name!r} now wants {row['desired_replicas']} replicas"


# -- Then: the routes a deployment handler created or retired --------------------------------------


@then(phrase('fewer than {count:d} new routes of deployment "{name:Name}" are created in one cycle'))
async def routes_created_in_batches(world: ServingWorld, count: int, name: str) -> None:
    arranged = {world.route(route) for route in world.routes_of(name)}
    created = [r for r in await world.read.routes(world.deployment(name)) if r["id"] not in arranged]
    assert 0 < len(created) < count, f"{len(created)} new routes of deployment {name!r} were created in one cycle"


@then(phrase("routes {routes:Names} are taken out of service"))
async def routes_retired(world: ServingWorld, routes: list[str]) -> None:
    for route in routes:
        row = await world.read.route(world.route(route))
        found = (row["status"], row["traffic_ratio"], row["traffic_status"])
        assert found == (RouteStatus.TERMINATING, 0.0, RouteTrafficStatus.INACTIVE), (
            f"route {route!r} is {row['status'].name} with traffic ratio {row['traffic_ratio']} "
            f"and traffic status {row['traffic_status'].name}"
        )


@then(phrase("routes {routes:Names} are left in service"))
async def routes_kept(world: ServingWorld, routes: list[str]) -> None:
    for route in routes:
        row = await world.read.route(world.route(route))
        arranged = world.arranged_status(route)
        found = (row["status"], row["traffic_ratio"], row["traffic_status"])
        assert found == (arranged, 1.0, RouteTrafficStatus.ACTIVE), (
            f"route {route!r} was {arranged.name} and is now {row['status'].name} with traffic ratio "
            f"{row['traffic_ratio']} and traffic status {row['traffic_status'].name}"
        )


# -- Then: the sessions behind a deployment --------------------------------------------------------

_ENDING = (SessionStatus.TERMINATING, SessionStatus.TERMINATED, SessionStatus.CANCELLED)


@then(phrase('session "{session:Name}" is being terminated'))
async def session_ending(world: ServingWorld, session: str) -> None:
    row = await world.read.session(world.session(session))
    assert row["status"] in _ENDING, f"session {session!r} is {row['status'].name}"


@then(phrase("sessions {sessions:Names} are being terminated"))
async def sessions_ending(world: ServingWorld, sessions: list[str]) -> None:
    for session in sessions:
        await session_ending(world, session)


# -- Then: cycles requested ------------------------------------------------------------------------


@then(phrase("the next {name:Name} cycle is not requested"))
async def next_cycle_not_requested(world: ServingWorld, name: str) -> None:
    assert not await world.is_requested(name), f"a {name} cycle is requested"


# -- Then: deployment history ----------------------------------------------------------------------


@then(phrase(
    'the deployment history of "{name:Name}" records a {result:Result} of "{phase:Name}" '
    "from {source:DeploymentState} to {target:DeploymentState}"
))
async def deployment_history_records(
    world: ServingWorld, name: str, result: SchedulingResult, phase: str, source: StateWord, target: StateWord,
) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    wanted = (phase, result.name, source.code and source.code.name, target.code and target.code.name)
    found = [(h.phase, h.result.upper(), h.from_status, h.to_status) for h in history]
    assert None not in wanted, f"26.3.3 has no such deployment state: {source}, {target}; recorded: {found or 'nothing'}"
    assert wanted in [(p, r, (f or "").upper(), (t or "").upper()) for p, r, f, t in found], (
        f"the deployment history of {name!r} holds {found or 'nothing'}"
    )


@then(phrase('the last deployment history record of "{name:Name}" says "{message:Name}"'))
async def deployment_history_message(world: ServingWorld, name: str, message: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    assert history, f"nothing is recorded in the deployment history of {name!r}"
    assert history[-1].message == message, f"the last record says {history[-1].message!r}"


@then(phrase('the last deployment history record of "{name:Name}" carries the error code "{code:Name}"'))
async def deployment_history_error_code(world: ServingWorld, name: str, code: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    assert history, f"nothing is recorded in the deployment history of {name!r}"
    assert history[-1].error_code == code, f"the last record carries the error code {history[-1].error_code!r}"


@then(phrase('the deployment history of "{name:Name}" shows a single attempt of "{phase:Name}"'))
async def single_attempt(world: ServingWorld, name: str, phase: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    attempts = sum(h.attempts for h in history if h.phase == phase)
    assert attempts == 1, f"the deployment history of {name!r} holds {[str(h) for h in history] or 'nothing'}"


@then(phrase('nothing of "{phase:Name}" is recorded in the deployment history of "{name:Name}"'))
async def nothing_of_phase(world: ServingWorld, phase: str, name: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    of_phase = [str(h) for h in history if h.phase == phase]
    assert not of_phase, f"the deployment history of {name!r} holds {of_phase}"


@then(phrase('nothing is recorded in the deployment history of "{name:Name}"'))
async def no_deployment_history(world: ServingWorld, name: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    assert not history, f"the deployment history of {name!r} holds {[str(h) for h in history]}"


@then(phrase('a lifecycle notification says deployment "{name:Name}" went from {source:DeploymentState} to {target:DeploymentState}'))
def lifecycle_notification(world: ServingWorld, name: str, source: StateWord, target: StateWord) -> None:
    sent = [
        (e.event.notification_data["from_status"], e.event.notification_data["to_status"])
        for e in world.events.of_type("NotificationTriggeredEvent")
        if e.event.notification_data.get("endpoint_name") == name
    ]
    assert source.code and target.code, f"26.3.3 has no such deployment state: {source}, {target}; sent: {sent}"
    assert (source.code.value, target.code.value) in sent, f"notifications for {name!r}: {sent or 'none'}"


@then(phrase('no lifecycle notification is sent for deployment "{name:Name}"'))
def no_lifecycle_notification(world: ServingWorld, name: str) -> None:
    sent = [e for e in world.events.of_type("NotificationTriggeredEvent") if e.event.notification_data.get("endpoint_name") == name]
    assert not sent, f"{len(sent)} notification(s) were sent for {name!r}"


# -- Then: what a deployment handler reported ------------------------------------------------------


@then(phrase('deployment "{name:Name}" is reported as a success'))
def deployment_success(world: ServingWorld, name: str) -> None:
    report = world.last_report
    assert world.deployment(name) in report.successes, _reported(world, name)


@then(phrase('deployment "{name:Name}" is reported as skipped'))
def deployment_skipped(world: ServingWorld, name: str) -> None:
    assert world.deployment(name) in world.last_report.skipped, _reported(world, name)


@then(phrase('deployment "{name:Name}" is reported as a failure with reason "{reason:Name}"'))
def deployment_failure(world: ServingWorld, name: str, reason: str) -> None:
    error = world.last_report.errors.get(world.deployment(name))
    assert error is not None, _reported(world, name)
    assert error.reason == reason, f"deployment {name!r} failed with reason {error.reason!r} ({error.error_detail})"


@then(phrase('deployment "{name:Name}" is reported as a failure with error code "{code:Name}"'))
def deployment_failure_code(world: ServingWorld, name: str, code: str) -> None:
    error = world.last_report.errors.get(world.deployment(name))
    assert error is not None, _reported(world, name)
    assert error.error_code == code, f"deployment {name!r} failed with error code {error.error_code!r}"
    # The executor logs the failure it reports; this step states it.
    swallowed.current().state(f"for deployment {world.deployment(name)}: ")


@then(phrase('the failure of deployment "{name:Name}" says "{detail:Name}"'))
def deployment_failure_detail(world: ServingWorld, name: str, detail: str) -> None:
    error = world.last_report.errors.get(world.deployment(name))
    assert error is not None, _reported(world, name)
    assert error.error_detail == detail, f"the failure of deployment {name!r} says {error.error_detail!r}"


@then(phrase('deployment "{name:Name}" is not reported'))
def deployment_not_reported(world: ServingWorld, name: str) -> None:
    report, wanted = world.last_report, world.deployment(name)
    assert wanted in report.given, f"the {report.handler} handler was not given deployment {name!r}"
    listed = wanted in report.successes or wanted in report.errors or wanted in report.skipped
    assert not listed, _reported(world, name)


def _reported(world: ServingWorld, name: str) -> str:
    report, wanted = world.last_report, world.deployment(name)
    if wanted not in report.given:
        return f"the {report.handler} handler was not given deployment {name!r}"
    for label, ids in (("a success", report.successes), ("skipped", report.skipped)):
        if wanted in ids:
            return f"deployment {name!r} is reported as {label}"
    if wanted in report.errors:
        error = report.errors[wanted]
        return f"deployment {name!r} is reported as a failure: {error.reason!r} ({error.error_detail})"
    return f"the {report.handler} handler does not report deployment {name!r}"

"""Deployments (model-serving endpoints): arranging them, their lifecycle, their history, and what
the deployment handlers report about them. BEP state words are bound in support.bindings.gen_26_3.vocabulary."""

from __future__ import annotations

from ai.backend.common.data.endpoint.types import EndpointLifecycle
from ai.backend.common.events.event_types.notification import NotificationTriggeredEvent
from ai.backend.manager.data.deployment.types import RouteStatus, RouteTrafficStatus
from ai.backend.manager.data.session.types import SchedulingResult, SessionStatus

from support.binding import DeploymentPolicyRowFactory, ServingWorld, StateWord, code_state, stable_id
from support.bindings.common.moved import ROLLING_BACK_STEP
from support.engine import swallowed
from support.engine.bdd import given, then
from support.engine.evidence import worked_on
from support.engine.phrases import phrase

# -- Given -----------------------------------------------------------------------------------------


@given(phrase('deployment "{name:Name}" is {state:DeploymentState}'))
def deployment_in(world: ServingWorld, name: str, state: StateWord[EndpointLifecycle]) -> None:
    world.add_deployment(name, code_state(state))


@given(phrase('deployment "{name:Name}" is {state:DeploymentState} with {count:Replicas}'))
def deployment_with_replicas(world: ServingWorld, name: str, state: StateWord[EndpointLifecycle], count: int) -> None:
    world.add_deployment(name, code_state(state), replicas=count)


@given(phrase('the autoscaler has set deployment "{name:Name}" to {count:Replicas}'))
def desired_replicas(world: ServingWorld, name: str, count: int) -> None:
    world.amend_deployment(name, desired_replicas=count)


@given(phrase('deployment "{name:Name}" serves a custom model whose model folder no longer exists'))
def custom_model_without_folder(world: ServingWorld, name: str) -> None:
    world.serve_custom_model_without_folder(name)


@given(phrase('an inference session "{session:Name}" belongs to no deployment and is {status:SessionStatus}'))
def orphaned_session(world: ServingWorld, session: str, status: SessionStatus) -> None:
    world.add_session(session, status)  # no route is linked to it


@given("the database refuses changes to routes")
async def routes_read_only(world: ServingWorld) -> None:
    await world.refuse_route_updates("changes to routes are refused")


@given("the database refuses changes to replica groups")
async def replica_groups_read_only(world: ServingWorld) -> None:
    """Releases that keep a deployment's routes under replica groups (26.4.16) write those groups."""
    await world.refuse_replica_group_updates("changes to replica groups are refused")


@given(phrase('deployment "{name:Name}" is deploying a new revision by rolling update'))
def deploying_new_revision(world: ServingWorld, name: str) -> None:
    """What activating a revision leaves (the deployment service, through the repository's
    ``set_deploying_revision``): the deployment DEPLOYING with the revision to deploy, at no
    deploying step yet, and nothing in its history. Its policy, set when it was created, deploys a
    new revision by rolling update."""
    world.add_deployment(name, EndpointLifecycle.DEPLOYING, deploying_revision=_new_revision(name))
    world.add_rows(DeploymentPolicyRowFactory.build(endpoint=world.deployment(name)))


@given(phrase('deployment "{name:Name}" has been deploying a new revision by rolling update for {duration:Duration}'))
def deploying_new_revision_for(world: ServingWorld, name: str, duration) -> None:
    """As above, activated ``duration`` ago. 26.3.3 keeps no trace of when a deployment started
    deploying (activation records no history and sets no timestamp), and a deploying cycle whose
    handler fails records nothing either (see failure_classification.feature): the rows are as
    activation left them, and only the clock has moved on since."""
    deploying_new_revision(world, name)
    world.clock.advance(duration)


def _new_revision(name: str):
    return stable_id("revision", f"{name}: the new revision")


# -- Then: lifecycle -------------------------------------------------------------------------------


async def _lifecycle(world: ServingWorld, name: str):
    return (await world.read.deployment(world.deployment(name)))["lifecycle_stage"]


async def _assert_lifecycle(world: ServingWorld, name: str, state: StateWord[EndpointLifecycle]) -> None:
    actual = await _lifecycle(world, name)
    assert state.code is not None, (
        f"deployment {name!r} is {actual.name}: {world.release} has no {state.word} deployment state ({state.note})"
    )
    assert actual == state.code, f"deployment {name!r} is {actual.name}, not {state}"


@then(phrase('deployment "{name:Name}" moves to {state:DeploymentState}'))
async def deployment_moves_to(world: ServingWorld, name: str, state: StateWord[EndpointLifecycle]) -> None:
    await _assert_lifecycle(world, name, state)


@then(phrase('deployment "{name:Name}" stays {state:DeploymentState}'))
async def deployment_stays(world: ServingWorld, name: str, state: StateWord[EndpointLifecycle]) -> None:
    worked_on(world, world.deployment(name), f"deployment {name!r}")
    await _assert_lifecycle(world, name, state)


@then(phrase('deployment "{name:Name}" now wants {count:Replicas}'))
async def deployment_wants(world: ServingWorld, name: str, count: int) -> None:
    row = await world.read.deployment(world.deployment(name))
    assert row["desired_replicas"] == count, f"deployment {name!r} wants {row['desired_replicas']} replicas"


@then(phrase('the target replica count of deployment "{name:Name}" is unchanged'))
async def replicas_unchanged(world: ServingWorld, name: str) -> None:
    worked_on(world, world.deployment(name), f"deployment {name!r}")
    row = await world.read.deployment(world.deployment(name))
    assert row["desired_replicas"] is None, f"deployment {name!r} now wants {row['desired_replicas']} replicas"


def _deploying(row: dict) -> str:
    step = row["sub_step"].name if row["sub_step"] is not None else "no"
    revision = row.get("deploying_revision", row.get("deploying_revision_id"))  # 26.4.16 renamed the column
    return f"{row['lifecycle_stage'].name} at {step} deploying step, deploying revision {revision}"


@then(phrase('deployment "{name:Name}" is rolling back its new revision'))
async def deployment_rolling_back(world: ServingWorld, name: str) -> None:
    row = await world.read.deployment(world.deployment(name))
    found = (row["lifecycle_stage"], row["sub_step"])
    assert found == (EndpointLifecycle.DEPLOYING, ROLLING_BACK_STEP), f"deployment {name!r} is {_deploying(row)}"


@then(phrase('deployment "{name:Name}" is still deploying its new revision, at no deploying step'))
async def deployment_still_deploying(world: ServingWorld, name: str) -> None:
    worked_on(world, world.deployment(name), f"deployment {name!r}")
    row = await world.read.deployment(world.deployment(name))
    found = (row["lifecycle_stage"], row["sub_step"], row["deploying_revision"])
    assert found == (EndpointLifecycle.DEPLOYING, None, _new_revision(name)), (
        f"deployment {name!r} is {_deploying(row)}"
    )


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
        worked_on(world, world.route(route), f"route {route!r}")
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


@then(
    phrase(
        'the deployment history of "{name:Name}" records a {result:Result} of "{phase:Name}" '
        "from {source:DeploymentState} to {target:DeploymentState}"
    )
)
async def deployment_history_records(
    world: ServingWorld,
    name: str,
    result: SchedulingResult,
    phase: str,
    source: StateWord[EndpointLifecycle],
    target: StateWord[EndpointLifecycle],
) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    wanted = (phase, result.name, source.code and source.code.name, target.code and target.code.name)
    found = [(h.phase, h.result.upper(), h.from_status, h.to_status) for h in history]
    assert None not in wanted, (
        f"26.3.3 has no such deployment state: {source}, {target}; recorded: {found or 'nothing'}"
    )
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


@then(
    phrase(
        'the deployment history of "{name:Name}" holds one record of "{phase:Name}", '
        "a {result:Result} made {count:d} times"
    )
)
async def deployment_history_merged(
    world: ServingWorld, name: str, phase: str, result: SchedulingResult, count: int
) -> None:
    """Identical consecutive records are merged into one that counts them."""
    history = [h for h in await world.read.deployment_history(world.deployment(name)) if h.phase == phase]
    found = [(h.result.upper(), h.attempts) for h in history]
    assert found == [(result.name, count)], (
        f"the deployment history of {name!r} holds {found or 'nothing'} of {phase!r}"
    )


@then(
    phrase(
        'the deployment history of "{name:Name}" records an {result:Result} of "{phase:Name}" '
        "from {source:DeploymentState} to {target:DeploymentState}"
    )
)
async def deployment_history_records_an(
    world: ServingWorld,
    name: str,
    result: SchedulingResult,
    phase: str,
    source: StateWord[EndpointLifecycle],
    target: StateWord[EndpointLifecycle],
) -> None:
    """The same, for results read with "an" (an EXPIRED)."""
    await deployment_history_records(world, name, result, phase, source, target)


@then(phrase('nothing of "{phase:Name}" is recorded in the deployment history of "{name:Name}"'))
async def nothing_of_phase(world: ServingWorld, phase: str, name: str) -> None:
    history = await world.read.deployment_history(world.deployment(name))
    of_phase = [str(h) for h in history if h.phase == phase]
    assert not of_phase, f"the deployment history of {name!r} holds {of_phase}"


@then(phrase('nothing is recorded in the deployment history of "{name:Name}"'))
async def no_deployment_history(world: ServingWorld, name: str) -> None:
    worked_on(world, world.deployment(name), f"deployment {name!r}")
    history = await world.read.deployment_history(world.deployment(name))
    assert not history, f"the deployment history of {name!r} holds {[str(h) for h in history]}"


@then(
    phrase(
        'a lifecycle notification says deployment "{name:Name}" went from {source:DeploymentState} to {target:DeploymentState}'
    )
)
def lifecycle_notification(
    world: ServingWorld, name: str, source: StateWord[EndpointLifecycle], target: StateWord[EndpointLifecycle]
) -> None:
    sent = [
        (e.notification_data["from_status"], e.notification_data["to_status"])
        for e in world.events.of_type(NotificationTriggeredEvent)
        if e.notification_data.get("endpoint_name") == name
    ]
    assert source.code and target.code, f"26.3.3 has no such deployment state: {source}, {target}; sent: {sent}"
    assert (source.code.value, target.code.value) in sent, f"notifications for {name!r}: {sent or 'none'}"


@then(
    phrase(
        'a lifecycle notification says deployment "{name:Name}" went from {source:DeploymentState} to '
        '{target:DeploymentState} with the result "{result:Name}"'
    )
)
def lifecycle_notification_with_result(
    world: ServingWorld,
    name: str,
    source: StateWord[EndpointLifecycle],
    target: StateWord[EndpointLifecycle],
    result: str,
) -> None:
    """The notification of a transition and how the coordinator classified it ("success", or for a
    failure "need_retry", "expired" or "give_up")."""
    sent = [
        (
            e.notification_data["from_status"],
            e.notification_data["to_status"],
            e.notification_data["transition_result"],
        )
        for e in world.events.of_type(NotificationTriggeredEvent)
        if e.notification_data.get("endpoint_name") == name
    ]
    assert source.code and target.code, f"26.3.3 has no such deployment state: {source}, {target}; sent: {sent}"
    assert (source.code.value, target.code.value, result) in sent, f"notifications for {name!r}: {sent or 'none'}"


@then(phrase('no lifecycle notification is sent for deployment "{name:Name}"'))
def no_lifecycle_notification(world: ServingWorld, name: str) -> None:
    sent = [
        e for e in world.events.of_type(NotificationTriggeredEvent) if e.notification_data.get("endpoint_name") == name
    ]
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


@then(
    phrase(
        'the {handler:Name} handler reported deployment "{name:Name}" as a failure with reason "{reason:Name}" '
        "in each of its {count:d} cycles"
    )
)
def deployment_failed_every_cycle(world: ServingWorld, handler: str, name: str, reason: str, count: int) -> None:
    cycles = [c for c in world.cycles if c.name == handler]
    assert len(cycles) == count, f"{len(cycles)} {handler} cycle(s) ran"
    ended = [repr(c.error) for c in cycles if c.error is not None]
    assert not ended, f"{handler} cycles ended with {ended}"
    reports = [r for r in world.reports if r.handler == handler]
    assert len(reports) == count, (
        f"the {handler} handler was given something to do in {len(reports)} of its {count} cycles"
    )
    wanted = world.deployment(name)
    for number, report in enumerate(reports, 1):
        error = report.errors.get(wanted)
        assert error is not None, f"in cycle {number}, the {handler} handler did not report {name!r} as a failure"
        assert error.reason == reason, (
            f"in cycle {number}, {name!r} failed with reason {error.reason!r} ({error.error_detail})"
        )


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

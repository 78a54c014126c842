"""Quotas, resource policies and the organisation a session belongs to (domain, project, owner)."""

from __future__ import annotations

from ai.backend.common.types import ResourceSlot

from support.binding import (
    CoordinatorWorld,
    KeyPairResourcePolicyRowFactory,
    KeyPairRowFactory,
    SchedulerWorld,
    UserRowFactory,
    stable_id,
)
from support.engine.bdd import given
from support.engine.phrases import phrase

# A second keypair of the default user, and its own resource policy (as unlimited as the default).
OTHER_ACCESS_KEY = "AKIAIOSFODNN7OTHERKP"
OTHER_POLICY = "other keypair policy"


@given(
    phrase(
        'the {scope:Name} of session "{name:Name}" may use {limit:Resources} in total, of which {used:Resources} are in use'
    )
)
def quota(world: SchedulerWorld, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
    world.limit_quota(scope, name, limit, used)


@given(phrase('session "{name:Name}" is started with a keypair of its user other than the user\'s main keypair'))
def other_keypair(world: CoordinatorWorld, name: str) -> None:
    """The session belongs to the same user, but was started with a second keypair of the user,
    which has a resource policy of its own (database tier: the rows the repository joins)."""
    user = world.arranged(name).session_info.metadata.user_uuid
    owner = UserRowFactory.build()
    assert owner.values["uuid"] == user, f"session {name} does not belong to the default user"
    world.arrange_rows(
        KeyPairResourcePolicyRowFactory.build(name=OTHER_POLICY),
        KeyPairRowFactory.build(
            access_key=OTHER_ACCESS_KEY, user=user, user_id=owner.values["email"], resource_policy=OTHER_POLICY
        ),
    )
    world.amend_session(name, access_key=OTHER_ACCESS_KEY)


@given(phrase('the owner of session "{name:Name}" has {count:d} vfolders while the resource policy allows {limit:d}'))
def vfolders_over_policy(world: SchedulerWorld, name: str, count: int, limit: int) -> None:
    owner = world.stored_session(name).session.session_info.metadata.user_uuid
    user = world.repository.users[owner]
    user.vfolder_count, user.max_vfolder_count = count, limit


@given(phrase('the domain "{domain:Name}" is deactivated'))
def domain_deactivated(world: SchedulerWorld, domain: str) -> None:
    world.repository.inactive_domains.add(domain)


@given(phrase('the project "{project:Name}" is deactivated'))
def project_deactivated(world: SchedulerWorld, project: str) -> None:
    world.repository.inactive_projects.add(stable_id("project", project))

"""Quotas, resource policies and the organisation a session belongs to (domain, project, owner)."""

from __future__ import annotations

from ai.backend.common.types import ResourceSlot

from support.bdd import given
from support.factories import stable_id
from support.phrases import phrase
from support.scheduler_world import SchedulerWorld


@given(phrase(
    'the {scope:Name} of session "{name:Name}" may use {limit:Resources} in total, of which {used:Resources} are in use'
))
def quota(world: SchedulerWorld, scope: str, name: str, limit: ResourceSlot, used: ResourceSlot) -> None:
    world.limit_quota(scope, name, limit, used)


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

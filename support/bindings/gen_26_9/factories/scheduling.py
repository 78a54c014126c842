"""The in-memory repository's data on 26.9.6 (support.bindings.gen_26_4.factories.scheduling, with what
26.9 changed): a stored session is built from 26.9's session factories (``.sessions``) and is 26.9's
session row (support.bindings.gen_26_9.fakes.scheduler_repository.StoredSession): its designation
policy (preferred, the default ``SessionStoredOptions.agent_selection_policy``) and the start time a
reserved batch session asked for (``sessions.requested_starts_at``, here the arranged start)."""

from __future__ import annotations

import factory
from ai.backend.manager.data.session.options import AgentSelectionPolicy

from support.bindings.gen_26_4.factories import scheduling as gen_26_4
from support.bindings.gen_26_4.factories.scheduling import ImageConfigDataFactory

from ..fakes.scheduler_repository import StoredSession
from .sessions import SessionWithKernelsFactory


class StoredSessionFactory(gen_26_4.StoredSessionFactory):
    class Meta:
        model = StoredSession

    session = factory.SubFactory(SessionWithKernelsFactory)
    agent_selection_policy = AgentSelectionPolicy.PREFERRED
    job_priority = 0
    requested_starts_at = factory.LazyAttribute(lambda o: o.session.session_info.lifecycle.starts_at)


__all__ = ["ImageConfigDataFactory", "StoredSessionFactory"]

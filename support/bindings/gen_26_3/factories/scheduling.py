"""factory-boy factories for what the provisioner schedules with, as 26.3's in-memory repository
stores them: the rows of .stored, and the keypair and user resource policies."""

from __future__ import annotations

import factory
from ai.backend.manager.sokovan.data import KeyPairResourcePolicy, UserResourcePolicy

from .sessions import slots
from .stored import ImageConfigDataFactory, StoredAgentFactory, StoredSessionFactory, StoredUserFactory


class KeyPairResourcePolicyFactory(factory.Factory[KeyPairResourcePolicy]):
    class Meta:
        model = KeyPairResourcePolicy

    name = "default"
    total_resource_slots = factory.LazyFunction(lambda: slots(cpu=4, mem_gib=8))
    max_concurrent_sessions = None
    max_concurrent_sftp_sessions = None
    max_pending_session_count = None
    max_pending_session_resource_slots = None


class UserResourcePolicyFactory(factory.Factory[UserResourcePolicy]):
    class Meta:
        model = UserResourcePolicy

    name = "default"
    total_resource_slots = factory.LazyFunction(lambda: slots(cpu=4, mem_gib=8))


__all__ = [
    "ImageConfigDataFactory",
    "KeyPairResourcePolicyFactory",
    "StoredAgentFactory",
    "StoredSessionFactory",
    "StoredUserFactory",
    "UserResourcePolicyFactory",
]

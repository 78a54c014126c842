"""factory-boy factories for Backend.AI data, with traits named after the cases scenarios state."""

from .scheduling import (
    ImageConfigDataFactory,
    KeyPairResourcePolicyFactory,
    StoredAgentFactory,
    StoredSessionFactory,
    StoredUserFactory,
    UserResourcePolicyFactory,
)
from .sessions import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_ARCH,
    DEFAULT_DOMAIN,
    DEFAULT_IMAGE,
    DEFAULT_PROJECT,
    DEFAULT_SCALING_GROUP,
    DEFAULT_USER,
    KERNEL_STATUS_OF,
    GiB,
    KernelInfoFactory,
    SessionInfoFactory,
    SessionWithKernelsFactory,
    slots,
    stable_id,
)

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_ARCH",
    "DEFAULT_DOMAIN",
    "DEFAULT_IMAGE",
    "DEFAULT_PROJECT",
    "DEFAULT_SCALING_GROUP",
    "DEFAULT_USER",
    "KERNEL_STATUS_OF",
    "GiB",
    "ImageConfigDataFactory",
    "KernelInfoFactory",
    "KeyPairResourcePolicyFactory",
    "SessionInfoFactory",
    "SessionWithKernelsFactory",
    "StoredAgentFactory",
    "StoredSessionFactory",
    "StoredUserFactory",
    "UserResourcePolicyFactory",
    "slots",
    "stable_id",
]

"""factory-boy factories for Backend.AI data, with traits named after the cases scenarios state.

The in-memory repository's data (.scheduling) is imported from its module: it is built on data
classes a later release replaced, while the sessions and rows here serve every release."""

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
    "KernelInfoFactory",
    "SessionInfoFactory",
    "SessionWithKernelsFactory",
    "slots",
    "stable_id",
]

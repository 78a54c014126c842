"""BEP-1033 section 3: the scheduler's kernel handlers."""

from pytest_bdd import scenarios

scenarios("scheduler/kernel")

"""BEP-1033 section 1: the scheduler's lifecycle handlers."""

from pytest_bdd import scenarios

scenarios("scheduler/lifecycle")

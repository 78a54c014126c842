"""BEP-1033 section 6: the schedule coordinator itself (failure classification, hooks, locks), on the database tier."""

from pytest_bdd import scenarios

scenarios("scheduler/coordinator")

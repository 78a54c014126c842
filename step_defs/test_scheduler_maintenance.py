"""BEP-1033 section 1.6: the scheduler's maintenance (sweep) handler."""

from pytest_bdd import scenarios

scenarios("scheduler/maintenance")

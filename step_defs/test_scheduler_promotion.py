"""BEP-1033 section 2: the promotion specs, run by the real coordinator on the database tier."""

from pytest_bdd import scenarios

scenarios("scheduler/promotion")

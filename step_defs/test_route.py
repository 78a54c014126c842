"""BEP-1033 section 5: the route handlers, run by the real route coordinator on the database tier."""

from pytest_bdd import scenarios

scenarios("route")

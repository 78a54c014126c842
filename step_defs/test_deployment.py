"""BEP-1033 section 4: the deployment handlers, run by the real deployment coordinator on the
database tier."""

from pytest_bdd import scenarios

scenarios("deployment")

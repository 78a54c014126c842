"""End-to-end scenarios (BEP Phase 4): the real coordinators, tick by tick, with a simulated agent fleet."""

from pytest_bdd import scenarios

scenarios("e2e")

"""What the step libraries use of the 26.9 binding (backend.ai-manager 26.9.6).

The names the binding does not reach yet are placeholders that refuse to be used
(support.bindings.gen_26_9.unbound); releases/26.9.6/verdicts/ declares those features unbound.
"""

from support.bindings.gen_26_3.database.locks import LockEvent
from support.bindings.gen_26_3.database.reads import DatabaseReader, HistoryEntry
from support.bindings.gen_26_3.factories import GiB, slots, stable_id
from support.bindings.gen_26_3.factories.rows import KeyPairResourcePolicyRowFactory, SchedulingHistoryRowFactory
from support.bindings.gen_26_3.probe_handler import PROBE_ERROR, FailingProbeHandler, failing_probe
from support.bindings.gen_26_3.serving_world import client_pool_for_the_run  # unchanged in 26.9.6
from support.bindings.gen_26_4.outcomes import assert_reported, find, kernel_destination, session_destination, summary
from support.bindings.gen_26_4.serving_rows import DeploymentPolicyRowFactory  # unchanged in 26.9.6
from support.bindings.gen_26_4.vocabulary import (  # 26.9.6 keeps 26.4.16's route and deployment states
    StateWord,
    active_route_statuses,
    code_state,
    deployment_state,
    explicit_bindings,
    route_state,
    termination_reason,
)
from support.bindings.gen_26_9 import unbound
from support.bindings.gen_26_9.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_9.deployment_world import ServingWorld
from support.bindings.gen_26_9.e2e_world import EndToEndWorld
from support.bindings.gen_26_9.factories.rows import AgentRowFactory, KeyPairRowFactory, UserRowFactory, agent_rows
from support.bindings.gen_26_9.invariants import Outcome, run_interleavings
from support.bindings.gen_26_9.scheduler_world import SchedulerWorld
from support.bindings.gen_26_9.serving_e2e_world import ServingEndToEndWorld
from support.bindings.names import API_NAMES

# The binding's pytest plugins (conftest.py loads them): a fresh PostgreSQL database per scenario,
# from 26.9.6's schema template.
PLUGINS: tuple[str, ...] = ("support.bindings.gen_26_9.database",)

# The database tier of the scheduler (support.bindings.gen_26_9.coordinator_world and what its
# scenarios' steps use).
DATABASE_TIER = (
    AgentRowFactory,
    CoordinatorWorld,
    DatabaseReader,
    FailingProbeHandler,
    HistoryEntry,
    KeyPairResourcePolicyRowFactory,
    KeyPairRowFactory,
    LockEvent,
    PROBE_ERROR,
    SchedulingHistoryRowFactory,
    UserRowFactory,
    agent_rows,
    failing_probe,
    StateWord,
    code_state,
    termination_reason,
)

# The end-to-end tier (support.bindings.gen_26_9.e2e_world, .invariants): the database tier's coordinator
# driven by 26.9.6's own timers, with a simulated agent fleet.
E2E_TIER = (EndToEndWorld, Outcome, ServingEndToEndWorld, client_pool_for_the_run, run_interleavings)

globals().update({name: unbound.placeholder(name) for name in API_NAMES - {"PLUGINS"} if name not in globals()})

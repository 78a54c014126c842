"""What the step libraries and the spec engine use of the 26.3 binding (backend.ai-manager 26.3.3).

``support.binding`` re-exports these names from the binding of the run's release; a binding of a
later generation re-exports this module and replaces what its release changed.
"""

from support.bindings.gen_26_3.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_3.database.locks import LockEvent
from support.bindings.gen_26_3.database.reads import DatabaseReader, HistoryEntry
from support.bindings.gen_26_3.e2e_world import EndToEndWorld
from support.bindings.gen_26_3.factories import GiB, stable_id
from support.bindings.gen_26_3.factories.rows import (
    AgentRowFactory,
    KeyPairResourcePolicyRowFactory,
    KeyPairRowFactory,
    SchedulingHistoryRowFactory,
    UserRowFactory,
    agent_rows,
)
from support.bindings.gen_26_3.factories.serving_rows import DeploymentPolicyRowFactory
from support.bindings.gen_26_3.factories.sessions import slots
from support.bindings.gen_26_3.invariants import Outcome, run_interleavings
from support.bindings.gen_26_3.outcomes import assert_reported, find, kernel_destination, session_destination, summary
from support.bindings.gen_26_3.probe_handler import PROBE_ERROR, FailingProbeHandler, failing_probe
from support.bindings.gen_26_3.scheduler_world import SchedulerWorld
from support.bindings.gen_26_3.serving_e2e_world import ServingEndToEndWorld
from support.bindings.gen_26_3.serving_world import ServingWorld, client_pool_for_the_run
from support.bindings.gen_26_3.vocabulary import (
    StateWord,
    active_route_statuses,
    code_state,
    deployment_state,
    explicit_bindings,
    route_state,
    termination_reason,
)

# The binding's pytest plugins (conftest.py loads them): a fresh PostgreSQL database per scenario.
PLUGINS = ("support.bindings.gen_26_3.database.fixtures",)

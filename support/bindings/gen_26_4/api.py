"""What the step libraries use of the 26.4 binding (backend.ai-manager 26.4.16).

Names come from the 26.3 binding unless 26.4 changed what they reach: those are this package's own
(each module says what changed), the rest is re-exported from support.bindings.gen_26_3.
"""

from support.bindings.gen_26_3.database.locks import LockEvent
from support.bindings.gen_26_3.database.reads import DatabaseReader, HistoryEntry
from support.bindings.gen_26_3.factories import GiB, stable_id
from support.bindings.gen_26_3.factories.rows import (
    AgentRowFactory,
    KeyPairResourcePolicyRowFactory,
    KeyPairRowFactory,
    SchedulingHistoryRowFactory,
    UserRowFactory,
    agent_rows,
)
from support.bindings.gen_26_3.factories.sessions import slots
from support.bindings.gen_26_3.probe_handler import PROBE_ERROR, FailingProbeHandler, failing_probe
from support.bindings.gen_26_3.serving_world import client_pool_for_the_run  # unchanged in 26.4.16
from support.bindings.gen_26_4.coordinator_world import CoordinatorWorld
from support.bindings.gen_26_4.deployment_world import ServingWorld
from support.bindings.gen_26_4.e2e_world import EndToEndWorld
from support.bindings.gen_26_4.invariants import Outcome, run_interleavings
from support.bindings.gen_26_4.outcomes import assert_reported, find, kernel_destination, session_destination, summary
from support.bindings.gen_26_4.scheduler_world import SchedulerWorld
from support.bindings.gen_26_4.serving_e2e_world import ServingEndToEndWorld
from support.bindings.gen_26_4.serving_rows import DeploymentPolicyRowFactory
from support.bindings.gen_26_4.vocabulary import (
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

"""The model-serving side the session hooks talk to: which endpoint a session serves, and the
route table handed to the app proxy.

Stands in for ``DeploymentRepository`` in the scheduler's tiers (its own database-backed
scenarios belong to the deployment families). It records every route refresh, and can be told to
fail one, as the real repository does when the app proxy's route store is unreachable.
"""

from __future__ import annotations

import uuid

from ai.backend.common.types import SessionId

from support.bindings.common.fakes.strict import StrictDouble


class RouteStoreUnavailable(ConnectionError):
    pass


class FakeDeploymentRepository(StrictDouble):
    def __init__(self) -> None:
        self.endpoint_of: dict[SessionId, uuid.UUID] = {}
        self.route_refreshes: list[uuid.UUID] = []
        self.route_store_down = False

    async def get_endpoint_id_by_session(self, session_id: uuid.UUID) -> uuid.UUID | None:
        return self.endpoint_of.get(SessionId(session_id))

    async def update_endpoint_route_info(self, endpoint_id: uuid.UUID) -> None:
        if self.route_store_down:
            raise RouteStoreUnavailable(f"route info of endpoint {endpoint_id} could not be written")
        self.route_refreshes.append(endpoint_id)

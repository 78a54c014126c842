"""The app-proxy boundary: a real HTTP server on 127.0.0.1 answering the two calls the
deployment executor makes through Backend.AI's own ``AppProxyClient``.

  POST   /v2/endpoints/{id}   register an endpoint; answers ``{"endpoint": <url>}``
  DELETE /v2/endpoints/{id}   unregister it

It is a server rather than a patched client class so that the client's request building, its
token header, its status handling (``raise_for_status`` on registration, none on deletion) and its
retry policy all run as in production. Every request is kept, in order, for the Then steps.
A scenario can make the proxy answer registrations or deletions with an HTTP error.

Later releases also push an endpoint's routes themselves, for many endpoints at once; each entry is
kept as a request of its own ("REPLACE ROUTES", "REGISTER ROUTES", "UNREGISTER ROUTES") and
answered as applied:

  POST   /v2/endpoints/bulk/routes              replace the routing tables of the endpoints listed
  POST   /v2/endpoints/bulk/routes/register     add routes to them
  POST   /v2/endpoints/bulk/routes/unregister   drop routes from them
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from support.bindings.common.fakes.loopback import LoopbackServer


@dataclass(frozen=True)
class ProxyRequest:
    method: str
    endpoint_id: uuid.UUID
    token: str | None
    body: dict[str, Any] | None


class AppProxyServer(LoopbackServer):
    def __init__(self, token: str = "app-proxy-token") -> None:
        super().__init__()
        self.token = token
        self.requests: list[ProxyRequest] = []
        self.endpoints: dict[uuid.UUID, str] = {}  # registered endpoint -> its public URL
        self.registration_error: int | None = None  # an HTTP status to answer registrations with
        self.deletion_error: int | None = None

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/v2/endpoints/bulk/routes", self._routes("REPLACE ROUTES"))
        router.add_post("/v2/endpoints/bulk/routes/register", self._routes("REGISTER ROUTES"))
        router.add_post("/v2/endpoints/bulk/routes/unregister", self._routes("UNREGISTER ROUTES"))
        router.add_post("/v2/endpoints/{endpoint_id}", self._register)
        router.add_delete("/v2/endpoints/{endpoint_id}", self._unregister)

    def _routes(self, what: str) -> Any:
        """A bulk call on the routes of many endpoints: each entry kept, each answered as applied."""

        async def answer(request: web.Request) -> web.Response:
            body = await request.json()
            token = request.headers.get("X-BackendAI-Token")
            applied = []
            for item in body["endpoints"]:
                endpoint_id = uuid.UUID(item["deployment_id"])
                self.requests.append(ProxyRequest(what, endpoint_id, token, item))
                applied.append({"deployment_id": str(endpoint_id), "success": True})
            return web.json_response({"endpoints": applied})

        return answer

    def url_of(self, endpoint_id: uuid.UUID) -> str:
        return f"https://serving.example.test/{endpoint_id.hex[:12]}"

    def requests_for(self, endpoint_id: uuid.UUID, method: str | None = None) -> list[ProxyRequest]:
        return [r for r in self.requests if r.endpoint_id == endpoint_id and method in (None, r.method)]

    async def _register(self, request: web.Request) -> web.Response:
        endpoint_id = uuid.UUID(request.match_info["endpoint_id"])
        body = await request.json()
        self.requests.append(ProxyRequest("POST", endpoint_id, request.headers.get("X-BackendAI-Token"), body))
        if self.registration_error is not None:
            return web.json_response({"msg": "registration refused"}, status=self.registration_error)
        self.endpoints[endpoint_id] = self.url_of(endpoint_id)
        return web.json_response({"endpoint": self.endpoints[endpoint_id]})

    async def _unregister(self, request: web.Request) -> web.Response:
        endpoint_id = uuid.UUID(request.match_info["endpoint_id"])
        self.requests.append(ProxyRequest("DELETE", endpoint_id, request.headers.get("X-BackendAI-Token"), None))
        if self.deletion_error is not None:
            return web.json_response({"msg": "deletion refused"}, status=self.deletion_error)
        self.endpoints.pop(endpoint_id, None)
        return web.json_response({})

"""The storage-proxy boundary: a real HTTP server on 127.0.0.1 answering the manager-facing call
the scheduler makes when it accepts a session that mounts folders, through Backend.AI's own
``StorageSessionManager`` and ``StorageProxyManagerFacingClient``.

  GET /folder/mount   {"volume", "vfid", "subpath"}: answers ``{"path": <host path>}``, where
                      the volume keeps the folder (laid out as a VFS volume lays folders out)

It is a server rather than a patched client so that the client's request building, its token
header and its status handling run as in production. Every request is kept, in order, for the
Then steps. A request with the wrong token is refused (401), as the storage proxy refuses it; a
scenario can make the proxy answer mount-path requests with an HTTP error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ai.backend.common.types import VFolderID
from aiohttp import web

from support.bindings.common.fakes.loopback import LoopbackServer

TOKEN_HEADER = "X-BackendAI-Storage-Auth-Token"


@dataclass(frozen=True)
class StorageRequest:
    method: str
    path: str
    token: str | None
    body: dict[str, Any] | None


class StorageProxyServer(LoopbackServer):
    def __init__(self, name: str = "local", volume: str = "volume1", secret: str = "storage-proxy-secret") -> None:
        super().__init__()
        self.name = name
        self.volume = volume
        self.secret = secret
        self.requests: list[StorageRequest] = []
        self.mount_error: int | None = None  # an HTTP status to answer mount-path requests with

    @property
    def host(self) -> str:
        """The folder host (``proxy:volume``) of the folders this proxy keeps."""
        return f"{self.name}:{self.volume}"

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/folder/mount", self._mount_path)

    def path_of(self, vfid: str, subpath: str = ".") -> str:
        """Where the volume keeps a folder: its quota scope, then the folder id split as a VFS
        volume splits it."""
        folder = VFolderID.from_str(vfid)
        hexed = folder.folder_id.hex
        scope = folder.quota_scope_id.pathname if folder.quota_scope_id is not None else "_"
        path = f"/vfroot/{self.volume}/{scope}/{hexed[:2]}/{hexed[2:4]}/{hexed[4:]}"
        return path if subpath in ("", ".") else f"{path}/{subpath}"

    def mount_requests(self) -> list[StorageRequest]:
        return [r for r in self.requests if r.path == "/folder/mount"]

    async def _mount_path(self, request: web.Request) -> web.Response:
        body = await request.json()
        token = request.headers.get(TOKEN_HEADER)
        self.requests.append(StorageRequest(request.method, request.path, token, body))
        if token != self.secret:
            return web.json_response({"title": "Unauthorized access"}, status=401)
        if body.get("volume") != self.volume:
            return web.json_response({"title": f"Unknown volume {body.get('volume')!r}"}, status=404)
        if self.mount_error is not None:
            return web.json_response({"title": "mount path unavailable"}, status=self.mount_error)
        return web.json_response({"path": self.path_of(body["vfid"], body.get("subpath", "."))})

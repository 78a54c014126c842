"""A real HTTP server on 127.0.0.1, at a port the operating system chooses: the base of the doubles
that stand at an HTTP boundary (the app proxy, the storage proxy). A subclass adds its routes."""

from __future__ import annotations

from aiohttp import web


class LoopbackServer:
    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.address = ""

    def add_routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        app = web.Application()
        self.add_routes(app.router)
        self._runner = runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]  # the free port the OS chose
        self.address = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

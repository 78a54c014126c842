"""The Valkey boundary, one level down: an in-memory key-value store that answers the commands of
the Glide client Backend.AI's ``ValkeyScheduleClient`` is built on.

Faking here rather than faking ``ValkeyScheduleClient`` itself keeps Backend.AI's own client code
in the scenario: how it keys deployment and route marks, how it initialises a route's health
record, and how it reads readiness back (including "stale" after ``MAX_HEALTH_STALENESS_SEC``,
measured against the server's ``TIME``, which here is the scenario clock).

Only the commands that client sends are implemented (plain keys, hashes, sets, ``TIME``, batches
of them); anything else is refused loudly. A TTL is recorded; with ``expires_keys`` set, a key given
one is gone once the scenario clock has passed its deadline (checked as each command arrives). Off
by default: the 26.3 binding writes the app proxy's readiness reports through the manager's client,
whose TTL is not the app proxy's.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from glide import Batch
from glide import ConnectionError as GlideConnectionError
from glide_shared.protobuf.command_request_pb2 import RequestType

from .clock import FakeClock
from .strict import StrictDouble


def _key(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


class InMemoryValkey(StrictDouble):
    """What Glide's ``GlideClient`` offers, on a dictionary. ``client`` returns itself, so the
    store also stands where Backend.AI's connection wrapper (``AbstractValkeyClient``) stands."""

    expires_keys = False  # whether keys expire on the scenario clock (see the module's docstring)

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.values: dict[str, bytes] = {}
        self.hashes: dict[str, dict[bytes, bytes]] = {}
        self.sets: dict[str, set[bytes]] = {}
        self.expiries: dict[str, int] = {}  # key -> the TTL it was last given, in seconds
        self._deadlines: dict[str, datetime] = {}  # key -> when it expires, on the scenario clock
        self.down = False  # unreachable: every command fails as Glide fails when the server is gone

    @property
    def client(self) -> InMemoryValkey:
        return self

    # -- commands --------------------------------------------------------------------------------

    def _reach(self) -> None:
        if self.down:
            raise GlideConnectionError("the Valkey server cannot be reached")
        self._drop_expired()

    def _drop_expired(self) -> None:
        """Keys whose TTL has run out on the scenario clock are gone, as Valkey expires them."""
        if not self.expires_keys:
            return
        now = self._clock.now
        for key in [k for k, deadline in self._deadlines.items() if deadline < now]:
            for store in (self.values, self.hashes, self.sets):
                store.pop(key, None)
            self.expiries.pop(key, None)
            self._deadlines.pop(key)

    async def time(self) -> list[bytes]:
        self._reach()
        now = self._clock.now.timestamp()
        return [str(int(now)).encode(), str(int(now % 1 * 1_000_000)).encode()]

    async def set(self, key: str | bytes, value: str | bytes) -> str:
        self._reach()
        self.values[_key(key)] = _bytes(value)
        return "OK"

    async def get(self, key: str | bytes) -> bytes | None:
        self._reach()
        return self.values.get(_key(key))

    async def mset(self, key_values: Mapping[str | bytes, str | bytes]) -> str:
        self._reach()
        for key, value in key_values.items():
            self.values[_key(key)] = _bytes(value)
        return "OK"

    async def delete(self, keys: Sequence[str | bytes]) -> int:
        self._reach()
        removed = 0
        for key in map(_key, keys):
            removed += sum(store.pop(key, None) is not None for store in (self.values, self.hashes, self.sets))
            self.expiries.pop(key, None)
            self._deadlines.pop(key, None)
        return removed

    async def hset(self, key: str | bytes, field_values: Mapping[str | bytes, str | bytes]) -> int:
        self._reach()
        stored = self.hashes.setdefault(_key(key), {})
        added = sum(1 for f in field_values if _bytes(f) not in stored)
        stored.update({_bytes(f): _bytes(v) for f, v in field_values.items()})
        return added

    async def hgetall(self, key: str | bytes) -> dict[bytes, bytes]:
        self._reach()
        return dict(self.hashes.get(_key(key), {}))

    async def sadd(self, key: str | bytes, members: Sequence[str | bytes]) -> int:
        self._reach()
        stored = self.sets.setdefault(_key(key), set())
        added = {_bytes(m) for m in members} - stored
        stored.update(added)
        return len(added)

    async def smembers(self, key: str | bytes) -> builtins.set[bytes]:  # the class's own set() shadows it
        self._reach()
        return set(self.sets.get(_key(key), set()))

    async def expire(self, key: str | bytes, seconds: int) -> bool:
        self._reach()
        key = _key(key)
        if key not in self.values and key not in self.hashes and key not in self.sets:
            return False
        self.expiries[key] = int(seconds)
        self._deadlines[key] = self._clock.now + timedelta(seconds=int(seconds))
        return True

    async def exec(self, batch: Batch, raise_on_error: bool = True) -> list[Any]:
        self._reach()
        return [await self._run(request, args) for request, args in batch.commands]

    async def _run(self, request: int, args: list[Any]) -> Any:
        match request:
            case RequestType.Get:
                return await self.get(args[0])
            case RequestType.Set:
                return await self.set(args[0], args[1])
            case RequestType.Del:
                return await self.delete(args)
            case RequestType.HSet:
                pairs = dict(zip(args[1::2], args[2::2], strict=True))
                return await self.hset(args[0], pairs)
            case RequestType.HGetAll:
                return await self.hgetall(args[0])
            case RequestType.Expire:
                return await self.expire(args[0], int(args[1]))
            case RequestType.SAdd:
                return await self.sadd(args[0], args[1:])
            case RequestType.SMembers:
                return await self.smembers(args[0])
        raise NotImplementedError(
            f"the in-memory Valkey does not answer request type {RequestType.Name(request)} in a batch"
        )

    # -- what a scenario arranges or reads directly --------------------------------------------

    def hash(self, key: str) -> dict[str, str]:
        return {f.decode(): v.decode() for f, v in self.hashes.get(key, {}).items()}

"""The releases of backend.ai-manager this spec runs against, and which one this run has.

A release is supported when it has a folder under ``releases/`` (its dependency lock and its
verdicts) and an entry here naming the binding package that reaches its code. Releases that share a
generation of Backend.AI's internals share a binding package. The run's release is the installed
``backend.ai-manager`` version; a version no entry names stops the run with the supported list.
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RELEASES_DIR = ROOT / "releases"


@dataclass(frozen=True)
class Release:
    version: str
    binding: str  # the package under support.bindings that reaches this release's code
    note: str  # what sets this release apart, for the report

    @property
    def folder(self) -> Path:
        return RELEASES_DIR / self.version

    @property
    def verdicts_dir(self) -> Path:
        return self.folder / "verdicts"

    @property
    def lock(self) -> Path:
        return self.folder / "requirements.lock"

    @property
    def binding_module(self) -> str:
        return f"support.bindings.{self.binding}"


# Oldest first: the matrix compares each release with the one before it.
SUPPORTED: tuple[Release, ...] = (
    Release("26.3.3", "gen_26_3", "the release BEP-1033 was first checked against"),
    Release("26.4.16", "gen_26_4", "deploying sub-steps, replica groups, route health and draining (26.4.4)"),
    Release(
        "26.9.6", "gen_26_9", "the scheduler's data layer rewritten (26.8, 26.9): views, resource groups, preemption"
    ),
)


class UnsupportedRelease(RuntimeError):
    pass


def by_version(version: str) -> Release:
    """The supported release of that version; for another version of the same line (a source tree
    at 26.4.10, say), the supported release of that line, whose lock, binding and verdicts it uses."""
    for release in SUPPORTED:
        if release.version == version:
            return release
    line = [r for r in SUPPORTED if r.version.rsplit(".", 1)[0] == version.rsplit(".", 1)[0]]
    if line:
        return line[-1]
    names = ", ".join(r.version for r in SUPPORTED)
    raise UnsupportedRelease(
        f"backend.ai-manager {version} has no binding in this suite (supported: {names}). "
        "Run `make test RELEASE=<one of those>`, or add a binding (README: 'Adding a release')."
    )


def installed_version() -> str:
    """The backend.ai-manager version this run imports (BEP_RELEASE_VERSION overrides it for a
    source tree, whose version the Makefile reads from the tree)."""
    override = os.environ.get("BEP_RELEASE_VERSION")
    if override:
        return override
    try:
        return importlib.metadata.version("backend.ai-manager")
    except importlib.metadata.PackageNotFoundError as error:
        raise UnsupportedRelease("backend.ai-manager is not installed in this environment") from error


def current() -> Release:
    return by_version(installed_version())


if __name__ == "__main__":  # python -m support.engine.releases binding <version>: the binding package's name
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "binding":
        print(by_version(sys.argv[2]).binding)
    else:
        print("usage: python -m support.engine.releases binding <version>", file=sys.stderr)
        sys.exit(2)

"""What a report says about the run it shows: system under test, tool versions, commit and date.

Written before the Allure report is generated:
  <allure-results>/environment.properties  shown by Allure on the report's overview ("Metadata")
  reports/run-info.json                    read by allurerc.mjs (report name) and the other pages
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from support.engine import releases

SUT = "backend.ai-manager"
TOOLS = ("pytest", "pytest-bdd", "allure-pytest-bdd")
CONFORMANCE_PAGE = "conformance.html"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def commit() -> str:
    """The commit the suite ran from; CI's own variable first, "-dirty" when the tree has changes."""
    sha = os.environ.get("GITHUB_SHA") or _git("rev-parse", "HEAD")
    if not sha:
        return "unknown (not a git checkout)"
    dirty = "GITHUB_SHA" not in os.environ and bool(_git("status", "--porcelain", "--untracked-files=no"))
    return sha[:12] + ("-dirty" if dirty else "")


def source_tree() -> dict:
    """Where the code under test came from when it is a Backend.AI checkout (make BACKEND_AI_SRC=...)."""
    tree = os.environ.get("BACKEND_AI_SRC")
    if not tree:
        return {"source": f"PyPI wheel {SUT}=={releases.installed_version()}"}
    sha = _git("-C", tree, "rev-parse", "HEAD")
    return {"source": f"Backend.AI source tree {tree}", "sourceCommit": sha or "unknown"}


def run_info(now: datetime | None = None) -> dict:
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    return {
        "sut": SUT,
        "sutVersion": releases.installed_version(),
        "release": releases.current().version,
        **source_tree(),
        "python": platform.python_version(),
        **{tool: version(tool) for tool in TOOLS},
        "commit": commit(),
        "date": when.isoformat().replace("+00:00", "Z"),
    }


def write(results_dir: Path, reports_dir: Path) -> dict:
    info = run_info()
    results_dir.mkdir(parents=True, exist_ok=True)
    properties = {
        SUT: info["sutVersion"],
        "Python": info["python"],
        **{tool: info[tool] for tool in TOOLS},
        "release": info["release"],
        "source": info["source"],
        "commit": info["commit"],
        "date": info["date"],
        "specification": "BEP-1033 Sokovan Handler Test Scenarios",
        "conformance page": f"{CONFORMANCE_PAGE} next to this report; also under Global Attachments",
    }
    lines = [f"{key.replace(' ', '\\ ')}={value}" for key, value in properties.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (reports_dir / "run-info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info

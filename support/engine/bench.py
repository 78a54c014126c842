"""make bench: how long the suite takes on this machine, measured the same way every time.

Prints, for the current tree, the minimum and median of RUNS runs (default 3) of:
  * the import floor: importing the three Sokovan coordinators in a fresh interpreter;
  * plain pytest, serially (-p no:xdist) and in parallel (-n JOBS), with the time of each test
    module taken from the serial runs;
  * `make test` as a developer runs it again (warm: nothing to install);
and checks that every scenario's outcome is the same serially, in parallel and in random order
(-p randomly). With FRESH=1 it also times `make test` in a fresh clone of HEAD (its own virtualenv,
uv's download cache as this machine has it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from support.engine import releases

ROOT = Path(__file__).resolve().parents[2]  # the project root
IMPORTS = (
    "import ai.backend.manager.sokovan.scheduler.coordinator, "
    "ai.backend.manager.sokovan.deployment.coordinator, "
    "ai.backend.manager.sokovan.deployment.route.coordinator"
)


def _timed(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return elapsed


def _pytest(workdir: Path, tag: str, *args: str) -> tuple[float, dict[str, str], Path]:
    results, junit = workdir / f"{tag}.json", workdir / f"{tag}.xml"
    elapsed = _timed([sys.executable, "-m", "pytest", "-q", f"--bep-results={results}", f"--junitxml={junit}", *args])
    outcomes = {r["node"]: r["outcome"] for r in json.loads(results.read_text())}
    return elapsed, outcomes, junit


def _modules(junit: Path) -> dict[str, float]:
    per_module: dict[str, float] = defaultdict(float)
    for case in ET.parse(junit).getroot().iter("testcase"):
        per_module[case.get("classname", "?").rsplit(".", 1)[-1]] += float(case.get("time", 0))
    return per_module


def _figure(values: list[float]) -> str:
    return f"min {min(values):6.1f} s   median {statistics.median(values):6.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")))
    parser.add_argument("--jobs", default=os.environ.get("JOBS") or str(os.cpu_count() or 2))
    parser.add_argument("--fresh", action="store_true", default=os.environ.get("FRESH") == "1")
    options = parser.parse_args()
    runs = options.runs
    print(
        f"make bench: backend.ai-manager {releases.current().version}, {runs} runs each, {os.cpu_count()} cores, {options.jobs} parallel workers",
        flush=True,
    )

    imports = [_timed([sys.executable, "-c", IMPORTS]) for _ in range(runs)]
    print(f"{'import floor (three coordinators)':40} {_figure(imports)}", flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        serial, parallel, modules = [], [], defaultdict(list)
        reference: dict[str, str] | None = None
        disagreements: list[str] = []

        def compare(label: str, outcomes: dict[str, str]) -> None:
            nonlocal reference
            if reference is None:
                reference = outcomes
                return
            for node in sorted(set(reference) | set(outcomes)):
                if reference.get(node) != outcomes.get(node):
                    disagreements.append(f"{label}: {node}: {reference.get(node)} then {outcomes.get(node)}")

        for run in range(runs):
            elapsed, outcomes, junit = _pytest(workdir, f"serial{run}", "-p", "no:xdist")
            serial.append(elapsed)
            compare("serial", outcomes)
            for module, seconds in _modules(junit).items():
                modules[module].append(seconds)
        print(f"{'plain pytest, serial':40} {_figure(serial)}", flush=True)
        for run in range(runs):
            elapsed, outcomes, _ = _pytest(workdir, f"parallel{run}", "-n", options.jobs, "--dist", "worksteal")
            parallel.append(elapsed)
            compare("parallel", outcomes)
        print(f"{'plain pytest, ' + options.jobs + ' workers':40} {_figure(parallel)}", flush=True)
        _, outcomes, _ = _pytest(workdir, "random", "-p", "randomly", "-p", "no:xdist")
        compare("random order", outcomes)

        print("by module (serial, median):", flush=True)
        for module, values in sorted(modules.items(), key=lambda kv: -statistics.median(kv[1])):
            print(f"  {module:38} {statistics.median(values):6.1f} s")

    make_test = ["make", "test", f"RELEASE={releases.current().version}"]
    warm = [_timed(make_test) for _ in range(runs)]
    print(f"{'make test, warm':40} {_figure(warm)}", flush=True)

    if options.fresh:
        with tempfile.TemporaryDirectory(prefix="bench-clone-") as tmp:
            clone = Path(tmp) / "clone"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
            fresh = _timed(make_test, cwd=clone)
        print(f"{'make test, fresh clone':40} {fresh:6.1f} s", flush=True)

    total = len(reference or {})
    if disagreements:
        print(f"outcomes DIFFER between runs ({len(disagreements)}):")
        for line in disagreements[:40]:
            print(f"  {line}")
        return 1
    print(f"outcomes: all {total} scenarios the same serially, in parallel and in random order")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The standing check: break each Sokovan handler in turn and list the scenarios that still pass.

    python -m support.engine.break_check            each handler in turn (make break-check)
    python -m support.engine.break_check --all      every handler at once, listing what still passes

For each handler that some scenario's When step runs (the binding's breakage plugin), the scenarios naming it
run again with that handler raising at entry. A scenario that still passes did not depend on the
handler's work: its Then steps would also hold had the handler never run. Each such scenario is
listed unless ``support/engine/break_check_allowed.yaml`` names it with the reason it may pass; the
check fails if anything outside that list passes. A promotion spec counts as a handler (the
coordinator's promotion step for that spec raises).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]  # the project root
ALLOWED = ROOT / "support" / "engine" / "break_check_allowed.yaml"
# A handler the suite itself provides, not Backend.AI's: breaking it proves nothing about the product.
NOT_PRODUCT = {"failing-probe"}


def _pytest(*args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "support.bindings.common.breakage",
        "-p",
        "no:randomly",
        *args,
    ]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def _when_handlers(workdir: Path) -> dict[str, list[str]]:
    target = workdir / "when.json"
    done = _pytest("--collect-only", f"--when-handlers={target}")
    if not target.exists():
        sys.exit(f"collecting the scenarios failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return json.loads(target.read_text())


def _passed_when_broken(handler: str, nodes: list[str], workdir: Path) -> list[str]:
    results = workdir / f"{handler}.json"
    done = _pytest(f"--break-handler={handler}", f"--bep-results={results}", *nodes)
    if not results.exists():
        sys.exit(f"the run with {handler} broken did not finish:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return sorted(r["node"] for r in json.loads(results.read_text()) if r["outcome"] == "passed")


def _allowed() -> dict[tuple[str, str], str]:
    entries = yaml.safe_load(ALLOWED.read_text()) or []
    allowed = {}
    for entry in entries:
        if not entry.get("reason", "").strip():
            sys.exit(f"{ALLOWED.name}: the entry for {entry.get('scenario')!r} gives no reason")
        allowed[(entry["handler"], entry["scenario"])] = entry["reason"].strip()
    return allowed


def each_in_turn(jobs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="break-check-") as tmp:
        workdir = Path(tmp)
        mapping = _when_handlers(workdir)
        by_handler: dict[str, list[str]] = {}
        for node, handlers in mapping.items():
            for handler in handlers:
                if handler not in NOT_PRODUCT:
                    by_handler.setdefault(handler, []).append(node)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            passed = dict(
                zip(
                    by_handler,
                    pool.map(lambda h: _passed_when_broken(h, by_handler[h], workdir), by_handler),
                    strict=True,
                )
            )
    allowed = _allowed()
    used: set[tuple[str, str]] = set()
    offenders: list[tuple[str, str]] = []
    print(f"{'handler':32} scenarios  still pass  allowed")
    for handler in sorted(passed):
        nodes = passed[handler]
        ok = [n for n in nodes if (handler, n) in allowed]
        used.update((handler, n) for n in ok)
        offenders.extend((handler, n) for n in nodes if (handler, n) not in allowed)
        print(f"{handler:32} {len(by_handler[handler]):9}  {len(nodes):10}  {len(ok):7}")
    stale = sorted(set(allowed) - used)
    if stale:
        print("\nallowed entries that no longer pass with their handler broken (remove them):")
        for handler, node in stale:
            print(f"  {handler}: {node}")
    if offenders:
        print(f"\n{len(offenders)} scenario(s) pass although the handler their When step runs is broken:")
        for handler, node in offenders:
            print(f"  {handler}: {node}")
        return 1
    print(f"\nno scenario passes with the handler it runs broken, apart from {len(used)} allowed ({ALLOWED.name})")
    return 1 if stale else 0


def all_at_once() -> int:
    with tempfile.TemporaryDirectory(prefix="break-check-") as tmp:
        results = Path(tmp) / "all.json"
        _pytest("--break-handler=all", f"--bep-results={results}")
        records = json.loads(results.read_text())
    passed = [r for r in records if r["outcome"] == "passed"]
    print(f"with every handler broken, {len(passed)} of {len(records)} scenarios still pass:")
    for record in sorted(passed, key=lambda r: r["node"]):
        print(f"  {record['bep_id'] or 'e2e'}  {record['node']}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="break every handler at once and list what passes")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time (default 2)")
    options = parser.parse_args()
    return all_at_once() if options.all else each_in_turn(options.jobs)


if __name__ == "__main__":
    sys.exit(main())

"""Print the suite's line coverage of the gated Sokovan files and enforce their floors.

    python -m support.engine.coverage_gate reports/coverage.json

The floors belong to the release under test: releases/<version>/coverage-floors.toml, keyed by a
path (or an fnmatch pattern) relative to ai/backend/manager/sokovan/ (each release gates the handler
files it has). Exit status 1 when a file is below its
floor or a pattern matches no measured file.
"""

from __future__ import annotations

import fnmatch
import json
import sys
import tomllib
from pathlib import Path

from support.engine import releases
from support.engine.releases import Release

PACKAGE_DIR = "ai/backend/manager/sokovan/"


def load_floors(release: Release | None = None) -> dict[str, float]:
    path = (release or releases.current()).folder / "coverage-floors.toml"
    return tomllib.loads(path.read_text())["floors"] if path.exists() else {}


def measured(report: dict) -> dict[str, dict]:
    files = {}
    for path, data in report["files"].items():
        if PACKAGE_DIR in path:
            files[path.split(PACKAGE_DIR, 1)[1]] = data["summary"]
    return files


def main(argv: list[str]) -> int:
    report = json.loads(Path(argv[0]).read_text())
    files = measured(report)
    floors = load_floors()
    failures = []
    rows = []
    for pattern, floor in floors.items():
        matched = sorted(f for f in files if fnmatch.fnmatch(f, pattern))
        if not matched:
            failures.append(f"{pattern}: no measured file matches")
        for name in matched:
            summary = files[name]
            percent = summary["percent_covered"]
            ok = percent >= floor
            rows.append((name, summary["covered_lines"], summary["num_statements"], percent, floor, ok))
            if not ok:
                failures.append(f"{name}: {percent:.1f}% is below its floor of {floor}%")
    width = max((len(r[0]) for r in rows), default=20)
    print("\nLine coverage of the gated Sokovan files (ai/backend/manager/sokovan/), by this suite alone:")
    print(f"  {'file':<{width}}  {'lines':>9}  {'cover':>6}  floor")
    for name, covered, total, percent, floor, ok in rows:
        print(f"  {name:<{width}}  {covered:>4}/{total:<4}  {percent:5.1f}%  {floor:>4}%  {'ok' if ok else 'BELOW'}")
    totals = report["totals"]
    print(
        f"  {'all of ai.backend.manager.sokovan':<{width}}  {totals['covered_lines']:>4}/{totals['num_statements']:<4}  {totals['percent_covered']:5.1f}%"
    )
    if failures:
        print("\nCoverage floors not met:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

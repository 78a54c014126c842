"""The raw Allure results of a run (reports/allure-results/*-result.json), as the report will show them.

Allure 3 names a test result md5(uuid of its result file): that id is the report's address of the
result (`bep-1033-report.html#<id>`). support.engine.plugin labels every result with its pytest node, so a
scenario of reports/bep-results.json can be linked to its place in the report.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from support.engine.plugin import NODE_LABEL

ALLURE_STATUSES = ("passed", "failed", "broken", "skipped", "unknown")


@dataclass(frozen=True)
class AllureResult:
    report_id: str
    node: str | None
    name: str
    status: str


def read(results_dir: Path) -> list[AllureResult]:
    results = []
    for path in sorted(Path(results_dir).glob("*-result.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        node = next((label["value"] for label in raw.get("labels", []) if label["name"] == NODE_LABEL), None)
        results.append(
            AllureResult(
                report_id=hashlib.md5(raw["uuid"].encode()).hexdigest(),
                node=node,
                name=raw.get("name", ""),
                status=raw.get("status", "unknown"),
            )
        )
    return results


def status_counts(results: list[AllureResult]) -> Counter:
    counts = Counter({status: 0 for status in ALLURE_STATUSES})
    counts.update(result.status for result in results)
    counts["total"] = len(results)
    return counts


def report_ids(results: list[AllureResult]) -> dict[str, str]:
    """pytest node id -> the result's id in the Allure report."""
    return {result.node: result.report_id for result in results if result.node}

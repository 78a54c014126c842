"""Build reports/bep-traceability.md: one row per BEP-1033 ID, its scenarios and its status.

    python -m support.traceability reports/bep-results.json reports/bep-traceability.md [--quiet]

Status of an ID, from the outcomes of its scenarios in the run:
  verified        every scenario passed, none states a divergence
  divergent       the BEP's expectation fails as declared (strict xfail) and the as-implemented
                  companion passes: 26.3.3 behaves differently
  absent-in-code  as divergent, and the behaviour does not exist in 26.3.3 at all
  defect          as divergent, and the divergence looks like a bug (``@defect``); listed again,
                  with its risk, under "Defects found"
  pending         the catalogue marks the family for a later issue and it has no scenario yet
  failing         a scenario failed, errored, passed although declared divergent, or was skipped;
                  or no scenario of the ID ran
Exit status 1 when any ID is failing.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

from support.catalogue import BepScenario, load_catalogue
from support.vocabulary import explicit_bindings

STATUSES = ("verified", "divergent", "absent-in-code", "defect", "pending", "failing")
MARK = {"passed": "✅", "xfailed": "⚠️", "failed": "❌", "error": "💥", "xpassed": "❗", "skipped": "⏭️"}


def status_of(entry: BepScenario, records: list[dict]) -> str:
    if not records:
        return "pending" if entry.pending else "failing"
    for record in records:
        expected = "xfailed" if record["divergence"] else "passed"
        if record["outcome"] != expected:
            return "failing"
    divergences = [r for r in records if r["divergence"]]
    if not divergences:
        return "verified"
    if any(r.get("defect") for r in divergences):
        return "defect"
    return "absent-in-code" if any(r["absent_in_code"] for r in divergences) else "divergent"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scenario_line(record: dict) -> str:
    kind = " (BEP expectation)" if record["divergence"] else " (as implemented)" if record["as_implemented"] else ""
    return f"{MARK.get(record['outcome'], '?')} {_cell(record['scenario'])}{kind} `{record['where']}`"


def build(results: list[dict]) -> tuple[str, Counter]:
    catalogue = load_catalogue()
    by_id: dict[str, list[dict]] = defaultdict(list)
    for record in results:
        by_id[record["bep_id"]].append(record)

    counts: Counter = Counter()
    rows_by_epic: dict[str, list[str]] = defaultdict(list)
    divergences: list[str] = []
    defects: list[str] = []
    for entry in catalogue:
        records = by_id.get(entry.id, [])
        status = status_of(entry, records)
        counts[status] += 1
        scenarios = "<br>".join(_scenario_line(r) for r in records) or _cell(entry.pending or "no scenario")
        rows_by_epic[entry.epic].append(
            f"| [{entry.id}]({entry.link}) | {_cell(entry.subject)} | {_cell(entry.title)} | "
            f"{_cell(entry.expected)} | **{status}** | {scenarios} |"
        )
        for reason in dict.fromkeys(r["reason"] for r in records if r["divergence"] and r["reason"]):
            divergences.append(f"- **{entry.id}** ({_cell(entry.title)}, {status}): {_cell(reason)}")
        for record in records:
            if record["divergence"] and record.get("defect"):
                defects.append(
                    f"- **{entry.id}** {_cell(record['scenario'])} (`{record['where']}`): "
                    f"{_cell(record.get('risk') or '')}"
                )

    lines = [
        f"# BEP-1033 traceability: {catalogue.bep_title}",
        "",
        f"System under test: backend.ai-manager {version('backend.ai-manager')}. "
        f"Source of the IDs: [{catalogue.source.rsplit('/', 1)[-1]}]({catalogue.source}).",
        "",
        "| status | IDs |",
        "|---|---|",
        *(f"| {status} | {counts[status]} |" for status in STATUSES),
        f"| **total** | **{sum(counts.values())}** |",
        "",
        "Outcome marks: ✅ passed, ⚠️ failed as declared (strict expected failure: the BEP's expectation, "
        "which 26.3.3 does not meet), ❌ failed, 💥 error, ❗ passed although declared divergent, ⏭️ skipped.",
        "",
    ]
    for epic, rows in rows_by_epic.items():
        lines += [f"## {epic}", "", "| ID | Subject | Scenario (BEP) | Expected (BEP) | Status | Scenarios in this suite |",
                  "|---|---|---|---|---|---|", *rows, ""]
    if defects:
        lines += ["## Defects found", "",
                  "Divergences that look like bugs rather than design choices, each with its risk.", "",
                  *defects, ""]
    if divergences:
        lines += ["## What 26.3.3 does instead", "", *divergences, ""]
    lines += [
        "## BEP state words and 26.3.3 states", "",
        "Scenarios keep the BEP's state names; the steps bind them to the code's states through this "
        "table (support/vocabulary.py). Every other state name is the code's own.", "",
        "| kind | BEP word | 26.3.3 state | note |", "|---|---|---|---|",
        *(f"| {w.kind} | {w.word} | {w.code.name if w.code else '(none)'} | {_cell(w.note)} |" for w in explicit_bindings()),
        "",
    ]
    return "\n".join(lines), counts


def main(argv: list[str]) -> int:
    quiet = "--quiet" in argv
    source, target = [a for a in argv if a != "--quiet"]
    results = json.loads(Path(source).read_text())
    text, counts = build(results)
    Path(target).write_text(text, encoding="utf-8")
    if not quiet:
        summary = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        print(f"\nBEP-1033 traceability ({sum(counts.values())} IDs): {summary}\n  written to {target}")
    return 1 if counts["failing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

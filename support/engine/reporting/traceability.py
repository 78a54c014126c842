"""Build reports/bep-traceability.md: one row per BEP-1033 ID, its scenarios and its status.

    python -m support.engine.reporting.traceability reports/bep-results.json reports/bep-traceability.md [--selection]

The statuses are defined in support.engine.reporting.statuses. Exit status 1 when any ID is failing.
With --selection (a tag-selected run) IDs whose scenarios were not selected are "not-run", not failing.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

from support.binding import explicit_bindings
from support.engine import releases, verdicts
from support.engine.catalogue import load_catalogue
from support.engine.reporting.statuses import (
    MARK,
    NOT_RUN,
    STATUSES,
    counted,
    in_file_order,
    load_records,
    records_by_id,
    release_of,
    status_of,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scenario_line(record: dict) -> str:
    kind = " (BEP expectation)" if record["divergence"] else " (as implemented)" if record["as_implemented"] else ""
    return f"{MARK.get(record['outcome'], '?')} {_cell(record['scenario'])}{kind} `{record['where']}`"


def build(results: list[dict], *, selection: bool = False) -> tuple[str, Counter]:
    catalogue = load_catalogue()
    by_id = records_by_id(results)
    release = release_of(results)

    counts: Counter = Counter()
    rows_by_epic: dict[str, list[str]] = defaultdict(list)
    divergences: list[str] = []
    defects: list[str] = []
    for entry in catalogue:
        records = counted(by_id.get(entry.id, []))
        status = status_of(entry, records, selection=selection)
        counts[status] += 1
        scenarios = "<br>".join(_scenario_line(r) for r in records) or _cell(entry.pending or "no scenario")
        rows_by_epic[entry.epic].append(
            f"| [{entry.id}]({entry.link}) | {_cell(entry.subject)} | {_cell(entry.title)} | "
            f"{_cell(entry.expected)} | **{status}** | {scenarios} |"
        )
        for reason in dict.fromkeys(r["reason"] for r in records if r["divergence"] and r["reason"]):
            divergences.append(f"- **{entry.id}** ({_cell(entry.title)}, {status}): {_cell(reason)}")
        for reason in dict.fromkeys(why for r in records if (why := r.get("unreachable_reason"))):
            divergences.append(f"- **{entry.id}** ({_cell(entry.title)}, {status}): {_cell(reason)}")
        for reason in dict.fromkeys(why for r in records if (why := r.get("not_applicable") or r.get("unbound"))):
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
        (
            f"System under test: backend.ai-manager {release}. "
            f"Source of the IDs: [{catalogue.source.rsplit('/', 1)[-1]}]({catalogue.source})."
        ),
        "",
        "| status | IDs |",
        "|---|---|",
        *(f"| {status} | {counts[status]} |" for status in (*STATUSES, NOT_RUN) if status != NOT_RUN or counts[status]),
        f"| **total** | **{sum(counts.values())}** |",
        "",
        (
            "Outcome marks: ✅ passed, ⚠️ failed as declared (strict expected failure: the BEP's expectation, "
            f"which {release} does not meet), ❌ failed, 💥 error, ❗ passed although declared divergent, ⏭️ skipped."
        ),
        "",
    ]
    for epic, rows in rows_by_epic.items():
        lines += [
            f"## {epic}",
            "",
            "| ID | Subject | Scenario (BEP) | Expected (BEP) | Status | Scenarios in this suite |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    end_to_end = in_file_order([r for r in results if r.get("e2e")])
    if end_to_end:
        lines += [
            "## End-to-end scenarios (BEP Phase 4)",
            "",
            (
                "Each exercises several BEP IDs together through the real coordinators and a simulated agent "
                "fleet; it speaks for no single ID's status."
            ),
            "",
            "| Scenario | BEP IDs it exercises |",
            "|---|---|",
            *(f"| {_scenario_line(r)} | {', '.join(r.get('bep_ids', []))} |" for r in end_to_end),
            "",
        ]
    if defects:
        lines += [
            "## Defects found",
            "",
            "Divergences that look like bugs rather than design choices, each with its risk.",
            "",
            *defects,
            "",
        ]
    if divergences:
        lines += [
            f"## What {release} does instead, and inputs its production paths never produce",
            "",
            *divergences,
            "",
        ]
    lines += [
        f"## BEP state words and {release} states",
        "",
        (
            "Scenarios keep the BEP's state names; the steps bind them to the code's states through this "
            "table (the release binding's vocabulary module). Every other state name is the code's own."
        ),
        "",
        f"| kind | BEP word | {release} state | note |",
        "|---|---|---|---|",
        *(
            f"| {w.kind} | {w.word} | {w.code.name if w.code else '(none)'} | {_cell(w.note)} |"
            for w in explicit_bindings()
        ),
        "",
    ]
    lines += _release_notes(release)
    return "\n".join(lines), counts


def _release_notes(release: str) -> list[str]:
    """The release's notes on how it implements what each feature covers (its verdicts' ``notes:``)."""
    try:
        notes = verdicts.load(releases.by_version(release)).notes
    except releases.UnsupportedRelease:
        return []
    if not notes:
        return []
    return [
        f"## How {release} implements the features",
        "",
        *(f"- `features/{feature}`: {_cell(' '.join(text.split()))}" for feature, text in sorted(notes.items())),
        "",
    ]


def write(source: Path, target: Path, *, selection: bool = False) -> Counter:
    text, counts = build(load_records(source), selection=selection)
    Path(target).write_text(text, encoding="utf-8")
    return counts


def main(argv: list[str]) -> int:
    selection = "--selection" in argv
    source, target = [a for a in argv if not a.startswith("--")]
    counts = write(Path(source), Path(target), selection=selection)
    summary = ", ".join(f"{counts[s]} {s}" for s in (*STATUSES, NOT_RUN) if counts[s] or s != NOT_RUN)
    print(f"BEP-1033 traceability ({sum(counts.values())} IDs): {summary}; written to {target}")
    return 1 if counts["failing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The compact table `make test` and `make report` end with: scenarios and BEP IDs by family."""

from __future__ import annotations

from collections import Counter

from support.engine.catalogue import load_catalogue
from support.engine.reporting.statuses import NOT_RUN, records_by_id, release_of, status_of

SCENARIO_COLUMNS = (
    ("passed", "passed"),
    ("xfailed", "declared"),
    ("failed", "failed"),
    ("error", "error"),
    ("xpassed", "xpass"),
    ("skipped", "skipped"),
    ("pins-other-releases", "other"),
    ("unbound", "unbound"),
    ("not-applicable", "n/a"),
)
ID_COLUMNS = (
    ("verified", "verified"),
    ("unreachable-input", "unreach."),
    ("divergent", "divergent"),
    ("absent-in-code", "absent"),
    ("defect", "defect"),
    ("not-applicable", "n/a"),
    ("not-bound", "unbound"),
    ("failing", "failing"),
    (NOT_RUN, "not run"),
)
OPTIONAL_IDS = (NOT_RUN, "not-applicable", "not-bound")


def outcome_key(record: dict) -> str:
    """A scenario's outcome, or why the release's verdicts skip it (never counted as a failure)."""
    return record.get("declared_skip") or record["outcome"]


def table(records: list[dict], *, selection: bool = False) -> str:
    catalogue = load_catalogue()
    by_id = records_by_id(records)
    families: dict[str, tuple[str, Counter, Counter]] = {}
    for entry in catalogue:
        _, outcomes, statuses = families.setdefault(entry.family, (entry.subject, Counter(), Counter()))
        entry_records = by_id.get(entry.id, [])
        outcomes.update(outcome_key(r) for r in entry_records)
        statuses[status_of(entry, entry_records, selection=selection)] += 1

    end_to_end = Counter(outcome_key(r) for r in records if r.get("e2e"))
    total_outcomes = Counter(end_to_end)
    total_statuses: Counter[str] = Counter()
    for _, outcomes, statuses in families.values():
        total_outcomes.update(outcomes)
        total_statuses.update(statuses)
    scenario_cols = [c for c in SCENARIO_COLUMNS if c[0] in ("passed", "xfailed") or total_outcomes[c[0]]]
    id_cols = [c for c in ID_COLUMNS if c[0] not in OPTIONAL_IDS or total_statuses[c[0]]]

    subject_width = max(len("end-to-end scenarios (Phase 4)"), *(len(subject) for subject, _, _ in families.values()))

    def cells(counter: Counter, columns) -> str:
        return " ".join(f"{(counter[key] or '·')!s:>{len(label)}}" for key, label in columns)

    left = f"{'family':<6}  {'handler':<{subject_width}}"
    scen_head = "scenarios " + " ".join(label for _, label in scenario_cols)
    ids_head = "IDs " + " ".join(label for _, label in id_cols)
    lines = [f"BEP-1033 against backend.ai-manager {release_of(records)}", f"{left}  {scen_head} │ {ids_head}"]
    lines.append("─" * len(lines[1]))

    def row(name: str, subject: str, outcomes: Counter, statuses: Counter | None) -> str:
        ids = (
            f"{sum(statuses.values()):>3} {cells(statuses, id_cols)}"
            if statuses is not None
            else "  (exercise IDs, speak for none)"
        )
        return f"{name:<6}  {subject:<{subject_width}}  {sum(outcomes.values()):>9} {cells(outcomes, scenario_cols)} │ {ids}"

    for family, (subject, outcomes, statuses) in families.items():
        if selection and not outcomes:
            continue  # a tag-selected run lists only the families it ran
        lines.append(row(family, subject, outcomes, statuses))
    if end_to_end:
        lines.append(row("E2E", "end-to-end scenarios (Phase 4)", end_to_end, None))
    lines.append("─" * len(lines[1]))
    lines.append(row("all", "", total_outcomes, total_statuses))
    lines.append(
        "declared = the BEP's expectation failed as declared (a known divergence); xpass = a declared "
        "divergence passed; other = an as-implemented companion of other releases; unbound = not bound "
        "to this release yet; n/a = the BEP row's behaviour is gone from this release. · = none."
    )
    return "\n".join(lines)

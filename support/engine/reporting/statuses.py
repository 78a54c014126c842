"""What a run says about each BEP-1033 ID: the scenario outcomes and the ID's status.

reports/bep-results.json (written by support.engine.plugin) holds one record per scenario: its BEP ID, the
release, the pytest node, the release's verdict on it, and its outcome. Every report reads it through here.

Status of an ID in the run's release, from the outcomes of its scenarios (an @as-implemented
companion that pins other releases does not count):
  verified        every scenario passed, none is expected to fail, and at least one runs on an
                  input that the release's production paths can produce
  unreachable-input  every scenario passed, but each runs on an input production never produces
                  (``unreachable`` in the release's verdicts: no caller, no timer, no such flag);
                  the code holds there, which says nothing of production
  divergent       the BEP's expectation fails as declared (strict xfail) and the as-implemented
                  companion passes: the release behaves differently
  absent-in-code  as divergent, and the behaviour does not exist in the release at all
  defect          as divergent, and the divergence looks like a bug (kind ``defect``)
  not-applicable  the behaviour the BEP row describes no longer exists in any component of the
                  release (``not_applicable`` in its verdicts, with what replaced it)
  not-bound       the release's binding does not reach the code of the ID's scenarios yet
                  (``unbound`` in its verdicts): the release says nothing of the ID
  pending         the catalogue marks the family for a later issue and it has no scenario yet
  failing         a scenario failed, errored, passed although declared divergent, or was skipped;
                  or no scenario of the ID ran
  not-run         a tag-selected run (``make test TAGS=...``) did not select the ID's scenarios
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from support.engine.catalogue import BepScenario

STATUSES = (
    "verified",
    "unreachable-input",
    "divergent",
    "absent-in-code",
    "defect",
    "not-applicable",
    "not-bound",
    "pending",
    "failing",
)
NOT_RUN = "not-run"

# Scenario outcomes as recorded by support.engine.plugin, in the order reports list them.
OUTCOMES = ("passed", "xfailed", "failed", "error", "xpassed", "skipped")
OUTCOME_WORDS = {
    "passed": "passed",
    "xfailed": "failed as declared",
    "failed": "failed",
    "error": "error",
    "xpassed": "unexpected pass",
    "skipped": "skipped",
}
MARK = {"passed": "✅", "xfailed": "⚠️", "failed": "❌", "error": "💥", "xpassed": "❗", "skipped": "⏭️"}


def load_records(path: Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def records_by_id(records: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        grouped[record["bep_id"]].append(record)
    return grouped


def in_file_order(records: list[dict]) -> list[dict]:
    """Records ordered by feature file, then line (not as strings: line 13 before line 110)."""

    def key(record: dict) -> tuple[str, int]:
        path, _, line = record["where"].rpartition(":")
        return path, int(line) if line.isdigit() else 0

    return sorted(records, key=key)


def expected_outcome(record: dict) -> str:
    if record.get("declared_skip"):
        return "skipped"
    return "xfailed" if record["divergence"] else "passed"


def counted(records: list[dict]) -> list[dict]:
    """The records that speak for the run's release: not the companions that pin other releases."""
    return [r for r in records if r.get("declared_skip") != "pins-other-releases"]


def release_of(records: list[dict]) -> str:
    """The release the records were made against."""
    found = {str(r["release"]) for r in records if r.get("release")}
    return found.pop() if len(found) == 1 else "the release under test"


def status_of(entry: BepScenario, records: list[dict], *, selection: bool = False) -> str:
    records = counted(records)
    if records and any(r.get("declared_skip") == "not-applicable" for r in records):
        return "not-applicable" if all(r["outcome"] == "skipped" for r in records) else "failing"
    bound = [r for r in records if r.get("declared_skip") != "unbound"]
    if records and not bound:
        return "not-bound" if all(r["outcome"] == "skipped" for r in records) else "failing"
    records = bound  # an ID some of whose scenarios are not bound yet speaks by those that ran
    if not records:
        if selection:
            return NOT_RUN
        return "pending" if entry.pending else "failing"
    if any(record["outcome"] != expected_outcome(record) for record in records):
        return "failing"
    divergences = [r for r in records if r["divergence"]]
    if not divergences:
        reachable = [r for r in records if not r.get("unreachable")]
        return "verified" if reachable else "unreachable-input"
    if any(r.get("defect") for r in divergences):
        return "defect"
    return "absent-in-code" if any(r["absent_in_code"] for r in divergences) else "divergent"


def one_line(reason: str | None, limit: int = 180) -> str:
    """The first sentence of a verdict's reason, at most `limit` chars."""
    if not reason:
        return ""
    text = " ".join(reason.split())
    text = text.strip()
    end = text.find(". ")
    sentence = text if end < 0 else text[: end + 1]
    if len(sentence) > limit:
        sentence = sentence[: limit - 1].rsplit(" ", 1)[0] + "…"
    return sentence

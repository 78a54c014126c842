"""The conformance matrix: every BEP-1033 ID's status on every supported release, side by side.

    python -m support.engine.reporting.matrix     (after `make test RELEASE=...` for each release)

Each release's run leaves its records in reports/releases/<version>/bep-results.json (support.engine.
reporting.finish). From them this writes
  reports/matrix.json   {"releases": [...], "ids": {"CP-001": {"26.3.3": {"status", "reason"}, ...}},
                         "changes": [...], "runs": {...}}
  reports/matrix.html   the matrix view on its own page (the conformance page embeds the same view)
A cell whose status differs from the release before it is highlighted, and listed under "what changed".
"""

from __future__ import annotations

import itertools
import json
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from support.engine.catalogue import load_catalogue
from support.engine.releases import SUPPORTED
from support.engine.reporting.statuses import counted, load_records, one_line, records_by_id, status_of

REPORTS = Path("reports")
RELEASES_DIR = REPORTS / "releases"
STATUS_WORDS = {"absent-in-code": "absent in code", "unreachable-input": "unreachable input"}


def release_results(version: str, reports: Path = REPORTS) -> Path:
    return reports / "releases" / version / "bep-results.json"


def reason_of(status: str, records: list[dict]) -> str:
    """One line on why the ID has its status in that release (empty for verified)."""
    records = counted(records)
    if status == "not-applicable":
        found = [r["not_applicable"] for r in records if r.get("not_applicable")]
    elif status == "not-bound":
        found = [r["unbound"] for r in records if r.get("unbound")]
    elif status == "unreachable-input":
        found = [r["unreachable_reason"] for r in records if r.get("unreachable_reason")]
    elif status == "failing":
        found = [f"{r['scenario']}: {r['outcome']}" for r in records if r.get("outcome") not in ("passed", "xfailed")]
    else:
        found = [r["reason"] for r in records if r.get("divergence") and r.get("reason")]
    return one_line(found[0]) if found else ""


@dataclass(frozen=True)
class Change:
    bep_id: str
    before: str
    before_status: str
    after: str
    after_status: str
    reason: str

    def sentence(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.bep_id}: {self.before_status} in {self.before}, {self.after_status} in {self.after}{why}"


def build(reports: Path = REPORTS) -> dict:
    catalogue = load_catalogue()
    releases = [r.version for r in SUPPORTED if release_results(r.version, reports).exists()]
    ids: dict[str, dict[str, dict[str, str]]] = {entry.id: {} for entry in catalogue}
    runs = {}
    for version in releases:
        folder = reports / "releases" / version
        by_id = records_by_id(load_records(folder / "bep-results.json"))
        info = folder / "run-info.json"
        runs[version] = json.loads(info.read_text()) if info.exists() else {}
        for entry in catalogue:
            records = by_id.get(entry.id, [])
            status = status_of(entry, records)
            ids[entry.id][version] = {"status": status, "reason": reason_of(status, records)}
    changes = []
    for bep_id, cells in ids.items():
        for before, after in itertools.pairwise(releases):
            if cells[before]["status"] != cells[after]["status"]:
                reason = cells[after]["reason"] or (
                    f"in {before}: {cells[before]['reason']}" if cells[before]["reason"] else ""
                )
                changes.append(
                    Change(bep_id, before, cells[before]["status"], after, cells[after]["status"], reason).__dict__
                )
    return {"releases": releases, "ids": ids, "changes": changes, "runs": runs}


def counts(matrix: dict) -> dict[str, dict[str, int]]:
    """Per release, the number of IDs by status."""
    result: dict[str, dict[str, int]] = {}
    for version in matrix["releases"]:
        tally: dict[str, int] = {}
        for cells in matrix["ids"].values():
            status = cells[version]["status"]
            tally[status] = tally.get(status, 0) + 1
        result[version] = dict(sorted(tally.items()))
    return result


def section(matrix: dict) -> str:
    """The matrix view: what changed between releases, then one row per ID and one column per release."""
    releases = matrix["releases"]
    if not releases:
        return ""
    changes = [Change(**c) for c in matrix["changes"]]
    items = "".join(
        f'<li data-change="{escape(c.bep_id)}"><a href="#matrix-{escape(c.bep_id)}">{escape(c.bep_id)}</a>: '
        f"{escape(c.before_status)} in {escape(c.before)}, <b>{escape(c.after_status)}</b> in {escape(c.after)}"
        + (f" <span class='muted'>({escape(c.reason)})</span>" if c.reason else "")
        + "</li>"
        for c in changes
    )
    head = "".join(f"<th>{escape(v)}</th>" for v in releases)
    tally = counts(matrix)
    totals = "".join(
        f"<td>{' · '.join(f'{n} {escape(STATUS_WORDS.get(s, s))}' for s, n in tally[v].items())}</td>" for v in releases
    )
    rows = []
    for bep_id, cells in matrix["ids"].items():
        tds = []
        for index, version in enumerate(releases):
            cell = cells[version]
            changed = index > 0 and cells[releases[index - 1]]["status"] != cell["status"]
            word = STATUS_WORDS.get(cell["status"], cell["status"])
            tds.append(
                f'<td class="{"changed" if changed else ""}" data-release="{escape(version)}" '
                f'data-status="{escape(cell["status"])}" title="{escape(cell["reason"])}">'
                f'<span class="chip {escape(cell["status"])}">{escape(word)}</span></td>'
            )
        rows.append(f'<tr id="matrix-{escape(bep_id)}"><td class="id">{escape(bep_id)}</td>{"".join(tds)}</tr>')
    runs = " · ".join(
        f"{escape(v)}: run {escape(str(matrix['runs'].get(v, {}).get('date', '?')))}, "
        f"commit <code>{escape(str(matrix['runs'].get(v, {}).get('commit', '?')))}</code>"
        for v in releases
    )
    return (
        '<h2 id="matrix">Releases side by side</h2>'
        f'<p class="meta">One row per BEP ID, one column per release of backend.ai-manager; a highlighted cell '
        f"changed from the release before it (hover a cell for the reason). {runs}</p>"
        f'<h3 id="what-changed">What changed ({len(changes)})</h3>'
        + (f'<ul class="changes">{items}</ul>' if items else "<p>No ID changed status between these releases.</p>")
        + f'<table class="matrix"><tr><th>ID</th>{head}</tr><tr class="handler"><td>IDs</td>{totals}</tr>'
        + "".join(rows)
        + "</table>"
    )


MATRIX_CSS = (
    "td.changed{outline:2px solid #bf8700;outline-offset:-2px;background:#fff8c5}ul.changes li{margin-bottom:4px}"
)


def write(reports: Path = REPORTS) -> dict:
    from support.engine.reporting.conformance import CSS

    matrix = build(reports)
    (reports / "matrix.json").write_text(json.dumps(matrix, indent=1), encoding="utf-8")
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>BEP-1033 across releases</title>'
        f"<style>{CSS}{MATRIX_CSS}</style></head><body><h1>BEP-1033 across releases of backend.ai-manager</h1>"
        f'{section(matrix)}<p><a href="conformance.html">the conformance page of the last run</a></p></body></html>\n'
    )
    (reports / "matrix.html").write_text(html, encoding="utf-8")
    return matrix


def main() -> int:
    matrix = write()
    if not matrix["releases"]:
        print("no release has run yet: make test RELEASE=<version> first", file=sys.stderr)
        return 1
    missing = [r.version for r in SUPPORTED if r.version not in matrix["releases"]]
    for version, tally in counts(matrix).items():
        print(f"  {version:<8} " + ", ".join(f"{n} {s}" for s, n in tally.items()))
    for change in matrix["changes"]:
        print(f"  changed: {Change(**change).sentence()}")
    print(f"  matrix  {(REPORTS / 'matrix.html').resolve()}  ({len(matrix['changes'])} changes)")
    if missing:
        print(f"  not in the matrix (no run): {', '.join(missing)}", file=sys.stderr)
    failing = [i for i, cells in matrix["ids"].items() if any(c["status"] == "failing" for c in cells.values())]
    return 1 if failing or missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""reports/conformance.html: does the release under test do what BEP-1033 says, ID by ID, on one page.

Totals on top; the matrix of every release run so far (support.engine.reporting.matrix); one table
per BEP section, one row per ID (title, status, what the release does instead in one line, links to
its scenarios in the single-file Allure report); then the BEP's own line-coverage tables beside this
run's figures. Self-contained: inline CSS, no script, nothing fetched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html import escape
from pathlib import Path

from support.engine.catalogue import BepScenario, load_catalogue
from support.engine.reporting import coverage_then_now, matrix
from support.engine.reporting.allure_results import AllureResult, report_ids, status_counts
from support.engine.reporting.statuses import (
    NOT_RUN,
    OUTCOME_WORDS,
    OUTCOMES,
    STATUSES,
    counted,
    in_file_order,
    one_line,
    records_by_id,
    release_of,
    status_of,
)

REPORT_FILE = "bep-1033-report.html"
# Plain glyphs with a colour, not emoji: they render without an emoji font (CI's headless Chromium).
MARKS = {
    "passed": ("✓", "ok"),
    "xfailed": ("⚠", "declared"),
    "failed": ("✗", "bad"),
    "error": ("✗", "bad"),
    "xpassed": ("!", "bad"),
    "skipped": ("–", "bad"),
    "not-applicable": ("∅", "declared"),
    "unbound": ("…", "declared"),
}
STATUS_WORDS = {
    "absent-in-code": "absent in code",
    "unreachable-input": "only on an unreachable input",
    "not-bound": "not bound yet",
    NOT_RUN: "not run",
}


def status_meaning(release: str) -> dict[str, str]:
    return {
        "verified": f"every scenario passes; {release} does what the BEP says",
        "unreachable-input": f"holds only on an input {release}'s production paths never produce: says nothing of production",
        "divergent": f"{release} does something else; the BEP's expectation fails as declared and the scenario pinning the actual behaviour passes",
        "absent-in-code": f"divergent, and the behaviour the BEP expects does not exist in {release}",
        "defect": "divergent in a way that looks like a bug; its risk is given",
        "not-applicable": f"the behaviour the BEP row describes is gone from {release}; the reason names what replaced it",
        "not-bound": f"the suite's binding does not reach this code of {release} yet",
        "failing": "a scenario failed, errored or passed although declared divergent: look at it first",
        "pending": "no scenario yet",
        NOT_RUN: "not selected in this run",
    }


CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1280px;padding:0 24px 48px;color:#1f2328}
h1{font-size:22px;margin:24px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#59636e;margin:0 0 12px}a{color:#0969da}nav a{margin-right:12px}
.totals{display:flex;gap:24px;flex-wrap:wrap;margin:16px 0}.box{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px}
.box h3{margin:0 0 6px;font-size:13px;color:#59636e;font-weight:600}.big{font-size:24px;font-weight:700;margin-right:10px}
.chip{display:inline-block;border-radius:10px;padding:1px 8px;margin:2px 4px 2px 0;font-size:12px;font-weight:600;white-space:nowrap}
.verified{background:#dafbe1;color:#116329}.divergent{background:#fff1c2;color:#7d4e00}.absent-in-code{background:#eaeef2;color:#424a53}
.defect{background:#ffd8b5;color:#953800}.not-applicable{background:#f6f8fa;color:#424a53;border:1px dashed #8c959f}.not-bound{background:#fbefff;color:#6639ba}.unreachable-input{background:#ddf4ff;color:#0a3069}.failing{background:#ffebe9;color:#a40e26}.pending,.not-run{background:#f6f8fa;color:#59636e}
table{border-collapse:collapse;width:100%;margin:8px 0 16px}th,td{border-bottom:1px solid #eaeef2;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-size:12px;color:#59636e}tr.handler td{background:#f6f8fa;font-weight:600}
td.id{white-space:nowrap;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.expected{color:#59636e;font-size:12px}ul.scenarios{margin:0;padding-left:0;list-style:none;font-size:12px}
ul.defects li{margin-bottom:6px}.legend{font-size:12px;color:#59636e}.muted{color:#8c959f}
tr:target td{background:#fff8c5}.mark{font-weight:700}.mark.ok{color:#1a7f37}.mark.declared{color:#9a6700}.mark.bad{color:#cf222e}
"""


@dataclass(frozen=True)
class Page:
    html: str
    id_counts: Counter
    scenario_counts: Counter


def _status_chip(status: str) -> str:
    return f'<span class="chip {status}">{escape(STATUS_WORDS.get(status, status))}</span>'


def _scenario_item(record: dict, links: dict[str, str]) -> str:
    kind = " (BEP expectation)" if record["divergence"] else " (as implemented)" if record["as_implemented"] else ""
    glyph, tone = MARKS.get(record.get("declared_skip") or record["outcome"], ("?", "bad"))
    text = f'<span class="mark {tone}">{glyph}</span> {escape(record["scenario"])}{kind}'
    target = links.get(record.get("node", ""))
    said = record.get("not_applicable") or record.get("unbound")
    title = f"{said or OUTCOME_WORDS.get(record['outcome'], record['outcome'])}: {record['where']}"
    if target:
        text = f'<a href="{REPORT_FILE}#{target}" title="{escape(title)}">{text}</a>'
    return f"<li>{text}</li>"


def _what_instead(status: str, records: list[dict]) -> str:
    if status in ("not-applicable", "not-bound"):
        said = [r.get("not_applicable") or r.get("unbound") for r in records]
        return escape(one_line(next((s for s in said if s), "")))
    if status == "failing":
        bad = [r for r in records if r["outcome"] != ("xfailed" if r["divergence"] else "passed")]
        return "; ".join(f"{escape(r['scenario'])}: {OUTCOME_WORDS[r['outcome']]}" for r in bad)
    reasons = list(dict.fromkeys(r["reason"] for r in records if r["divergence"] and r["reason"]))
    if status == "unreachable-input" or not reasons:
        reasons += list(dict.fromkeys(r["unreachable_reason"] for r in records if r.get("unreachable_reason")))
    if not reasons:
        return '<span class="muted">—</span>'
    full = " / ".join(" ".join(r.split()) for r in reasons)
    return f'<span title="{escape(full)}">{escape(one_line(reasons[0]))}</span>'


def _id_row(entry: BepScenario, status: str, records: list[dict], links: dict[str, str]) -> str:
    records = counted(records)
    scenarios = "".join(_scenario_item(r, links) for r in records) or '<li class="muted">no scenario</li>'
    return (
        f'<tr id="{entry.id}" data-status="{status}">'
        f'<td class="id"><a href="{escape(entry.link)}" title="BEP-1033 {entry.section}">{entry.id}</a></td>'
        f'<td>{escape(entry.title)}<div class="expected">BEP expects: {escape(entry.expected)}</div></td>'
        f"<td>{_status_chip(status)}</td>"
        f"<td>{_what_instead(status, records)}</td>"
        f'<td><ul class="scenarios">{scenarios}</ul></td></tr>'
    )


def _totals(id_counts: Counter, scenario_counts: Counter, allure_counts: Counter, declared_skips: int = 0) -> str:
    ids = sum(id_counts.values())
    chips = "".join(
        f'<span class="chip {s}" data-count="ids-{s}">{id_counts[s]} {escape(STATUS_WORDS.get(s, s))}</span>'
        for s in (*STATUSES, NOT_RUN)
        if id_counts[s] or s not in ("pending", NOT_RUN)
    )
    outcomes = "".join(
        f'<span class="chip {"verified" if o == "passed" else "divergent" if o == "xfailed" else "failing"}" '
        f'data-count="scenarios-{o}">{scenario_counts[o]} {OUTCOME_WORDS[o]}</span>'
        for o in OUTCOMES
        if scenario_counts[o] or o in ("passed", "xfailed")
    )
    if declared_skips:
        outcomes += (
            f'<span class="chip not-applicable" data-count="scenarios-declared-skip">{declared_skips} not for this '
            "release</span>"
        )
    allure = ", ".join(
        f"{allure_counts[s]} {s}" for s in ("passed", "skipped", "failed", "broken", "unknown") if allure_counts[s]
    )
    return (
        '<div class="totals">'
        f'<div class="box"><h3>BEP-1033 IDs</h3><span class="big" data-count="ids-total">{ids}</span>{chips}</div>'
        f'<div class="box"><h3>Scenarios</h3><span class="big" data-count="scenarios-total">{sum(scenario_counts.values()) + declared_skips}</span>{outcomes}'
        f'<div class="legend">In the Allure report: <span data-count="allure-total">{allure_counts["total"]}</span> results '
        f"({allure}); a scenario that fails as declared shows there as skipped.</div></div>"
        "</div>"
    )


def _end_to_end(records: list[dict], links: dict[str, str]) -> str:
    rows = []
    for record in in_file_order([r for r in records if r.get("e2e")]):
        ids = " ".join(f'<a href="#{i}">{i}</a>' for i in record.get("bep_ids", []))
        glyph, tone = MARKS.get(record["outcome"], ("?", "bad"))
        kind = " (BEP expectation)" if record["divergence"] else " (as implemented)" if record["as_implemented"] else ""
        rows.append(
            f'<tr data-e2e="{escape(record["where"])}"><td><ul class="scenarios">{_scenario_item(record, links)}</ul></td>'
            f"<td><code>{escape(record['where'])}</code></td><td>{ids}</td>"
            f'<td><span class="mark {tone}">{glyph}</span> {OUTCOME_WORDS.get(record["outcome"], record["outcome"])}{kind}</td></tr>'
        )
    if not rows:
        return ""
    return (
        '<h2 id="section-7">7. End-to-end scenarios (BEP Phase 4)</h2>'
        "<p>Each runs the real coordinators tick by tick against a simulated agent fleet and exercises "
        "several BEP IDs together; it speaks for no single ID's status above.</p>"
        "<table><tr><th>Scenario</th><th>Where</th><th>BEP IDs it exercises</th><th>Outcome</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _defects(catalogue, by_id: dict[str, list[dict]]) -> str:
    items = []
    for entry in catalogue:
        for record in by_id.get(entry.id, []):
            if record["divergence"] and record.get("defect"):
                risk = (record.get("risk") or "").removeprefix("Risk:").strip()
                items.append(
                    f'<li><a href="#{entry.id}">{entry.id}</a> {escape(record["scenario"])}. '
                    f"<b>Risk:</b> {escape(risk)}</li>"
                )
    if not items:
        return ""
    return (
        '<h2 id="defects">Defects found</h2><p>Divergences that look like bugs rather than design choices.</p>'
        f'<ul class="defects">{"".join(items)}</ul>'
    )


def _percent(value: float) -> str:
    return f"{value:.0f}%" if value in (0.0, 100.0) else f"{value:.1f}%"


def _coverage(coverage_json: Path, release: str) -> str:
    tables, overall = coverage_then_now.tables(coverage_json)
    parts = [
        '<h2 id="coverage">Line coverage: the BEP\'s figures then, this run now</h2>',
        (
            f'<p>The BEP printed these tables (<a href="{escape(coverage_then_now.bep_source())}">Current Test Coverage</a>) '
            "from Backend.AI's unit tests before any of its scenarios existed. Beside each file: this suite's own line "
            f"coverage of the same file in {escape(release)} (coverage.py, abstract methods excluded). Statement counts differ "
            "where the code changed since. All of <code>ai.backend.manager.sokovan</code> in this run: "
            f'<b data-count="coverage-overall">{_percent(overall.cover)}</b> of {overall.stmts} statements.</p>'
        ),
    ]
    for table in tables:
        now = table.now_total
        then = table.then_cover
        parts.append(f"<h3>{escape(table.title)}: {escape(then)} then, {_percent(now.cover)} now</h3>")
        rows = []
        for row in table.rows:
            if row.subtotal:
                cells = (
                    f"<td><b>{escape(row.bep_file)}</b> (now: files present in {escape(release)})</td>"
                    + "".join(f'<td class="num"><b>{escape(v)}</b></td>' for v in row.then)
                    + f'<td class="num"><b>{now.stmts}</b></td><td class="num"><b>{now.miss}</b></td>'
                    f'<td class="num"><b>{_percent(now.cover)}</b></td><td></td>'
                )
            else:
                if row.now:
                    now_cells = (
                        f'<td class="num">{row.now.stmts}</td><td class="num">{row.now.miss}</td>'
                        f'<td class="num">{_percent(row.now.cover)}</td>'
                    )
                else:
                    now_cells = '<td class="num muted" colspan="3">—</td>'
                if row.file_now is None:
                    note = "no longer a file: the promotion handlers became promotion specs run by scheduler/coordinator.py"
                elif row.file_now != row.bep_file:
                    note = f"now {row.file_now}"
                elif row.now is None:
                    note = "not measured in this run"
                else:
                    note = ""
                cells = (
                    f"<td><code>{escape(row.bep_file)}</code></td>"
                    + "".join(f'<td class="num">{escape(v)}</td>' for v in row.then)
                    + now_cells
                    + f'<td class="muted">{escape(note)}</td>'
                )
            rows.append(f"<tr>{cells}</tr>")
        parts.append(
            "<table><tr><th>File (as the BEP names it)</th><th>Stmts (BEP)</th><th>Miss (BEP)</th><th>Cover (BEP)</th>"
            "<th>Stmts now</th><th>Miss now</th><th>Cover now</th><th>Note</th></tr>" + "".join(rows) + "</table>"
        )
    return "".join(parts)


def build(
    records: list[dict],
    allure: list[AllureResult],
    coverage_json: Path,
    run: dict,
    *,
    selection: bool = False,
    across: dict | None = None,
) -> Page:
    catalogue = load_catalogue()
    by_id = records_by_id(records)
    links = report_ids(allure)
    id_counts: Counter = Counter()
    sections: dict[str, list[str]] = {}
    last_subject: dict[str, str] = {}
    for entry in catalogue:
        entry_records = by_id.get(entry.id, [])
        status = status_of(entry, entry_records, selection=selection)
        id_counts[status] += 1
        rows = sections.setdefault(entry.epic, [])
        if last_subject.get(entry.epic) != entry.subject:
            last_subject[entry.epic] = entry.subject
            rows.append(f'<tr class="handler"><td colspan="5">{entry.section} {escape(entry.subject)}</td></tr>')
        rows.append(_id_row(entry, status, entry_records, links))
    scenario_counts = Counter(r["outcome"] for r in records if not r.get("declared_skip"))
    declared_skips = sum(1 for r in records if r.get("declared_skip"))
    release = release_of(records)

    title = f"BEP-1033 conformance: Sokovan in {run['sut']} {run['sutVersion']}"
    matrix_link = '<a href="#matrix">Releases side by side</a>' if across else ""
    nav = "".join(f'<a href="#section-{epic.split(".")[0]}">{escape(epic)}</a>' for epic in sections)
    if any(r.get("e2e") for r in records):
        nav += '<a href="#section-7">7. End-to-end scenarios</a>'
    body = [
        f"<h1>{escape(title)}</h1>",
        (
            f'<p class="meta">Code under test: {escape(run.get("source", ""))}'
            + (f" at commit <code>{escape(run['sourceCommit'])}</code>" if run.get("sourceCommit") else "")
            + f" · run {escape(run['date'])} · commit <code>{escape(run['commit'])}</code> · Python {escape(run['python'])} · "
            f"pytest {escape(run['pytest'])} · pytest-bdd {escape(run['pytest-bdd'])} · "
            f'<a href="{REPORT_FILE}">Allure report (one file)</a> · <a href="allure-report/index.html">Allure report (browsable, served)</a> · '
            f'<a href="bep-traceability.md">traceability (Markdown)</a> · <a href="{escape(catalogue.source)}">the BEP</a>. '
            f"Links lead to the files next to <code>conformance.html</code>; in the copy attached to the Allure report "
            f"they do not work.</p>"
        ),
        _totals(id_counts, scenario_counts, status_counts(allure), declared_skips),
        '<p class="legend">'
        + " · ".join(
            f"{_status_chip(s)} {escape(m)}"
            for s, m in status_meaning(release).items()
            if s in ("verified", "unreachable-input", "divergent", "absent-in-code", "defect", "failing")
            or (s in ("not-applicable", "not-bound") and id_counts[s])
        )
        + "</p>",
        f'<nav>{nav}{matrix_link}<a href="#defects">Defects found</a><a href="#coverage">Line coverage</a></nav>',
        matrix.section(across) if across else "",
    ]
    for epic, rows in sections.items():
        body.append(f'<h2 id="section-{epic.split(".")[0]}">{escape(epic)}</h2>')
        body.append(
            f"<table><tr><th>ID</th><th>Scenario (BEP)</th><th>Status</th><th>What {escape(release)} does instead</th>"
            "<th>Scenarios in the report</th></tr>" + "".join(rows) + "</table>"
        )
    body.append(_end_to_end(records, links))
    body.append(_defects(catalogue, by_id))
    body.append(_coverage(coverage_json, release))
    html = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
        f"<body>{''.join(body)}</body></html>\n"
    )
    return Page(html, id_counts, scenario_counts)


def write(
    target: Path,
    records: list[dict],
    allure: list[AllureResult],
    coverage_json: Path,
    run: dict,
    *,
    selection: bool = False,
    across: dict | None = None,
) -> Page:
    page = build(records, allure, coverage_json, run, selection=selection, across=across)
    Path(target).write_text(page.html, encoding="utf-8")
    return page

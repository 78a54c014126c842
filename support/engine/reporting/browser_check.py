"""Open the published report in a real headless Chromium and check what a reader will see.

    python -m support.engine.reporting.browser_check          (make browser-check; .ci/run runs it)

Checks, each printed as ok / FAILED:
  * the single-file Allure report: its title names the system under test and its version; its totals
    equal the run's Allure results; a named BEP ID (SD-002) is found by the search, sits under its BEP
    section and handler, and its scenario opens; the divergence categories are listed;
  * the conformance page: its title; its totals equal the run's Allure results and the catalogue;
    the BEP ID's row exists and its scenario link opens that scenario in the single-file report;
  * the browsable Allure report, served from 127.0.0.1, shows the same totals;
  * no request leaves the machine (anything but file:, data:, blob: and loopback is blocked and
    reported).
Screenshots go to reports/screenshots/. Chromium is Debian's `chromium` (or $CHROMIUM), driven by
Playwright; no browser is downloaded.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, sync_playwright

from support.engine.catalogue import load_catalogue
from support.engine.reporting import allure_results, publish

REPORTS = Path("reports").resolve()
SHOTS = REPORTS / "screenshots"
BEP_ID = "SD-002"  # a defect: it shows in the tree, in "Defect found" and on the conformance page
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-error", "devtools"}
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# As the workplace's probe runs it: no background connections of Chromium's own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--no-pings",
]
TIMEOUT_MS = 20_000
RESULT_URL = re.compile(rf"/{re.escape(publish.SINGLE_FILE)}(\?[^#]*)?#[0-9a-f]{{32}}$")


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class Checks:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        print(f"  {'ok    ' if ok else 'FAILED'}  {name}{f': {detail}' if detail else ''}")
        if not ok:
            self.failures.append(name)
        return ok

    def attempt(self, name: str, action: Callable[[], str | None]) -> None:
        """Run a browser interaction; a timeout or a missing element is that check failing."""
        try:
            detail = action()
        except Exception as error:  # noqa: BLE001 -- any error of the page is the check's failure
            self.check(name, False, f"{type(error).__name__}: {str(error).splitlines()[0]}")
        else:
            self.check(name, True, detail or "")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOOPBACK


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _metadata(page: Page, key: str) -> int:
    item = page.locator(f'[data-testid="metadata-item-{key}"] [data-testid="metadata-value"]')
    return int(item.inner_text().strip()) if item.count() else 0


def _allure_totals(page: Page) -> dict[str, int]:
    page.wait_for_selector('[data-testid="metadata-item-total"]', timeout=TIMEOUT_MS)
    return {key: _metadata(page, key) for key in ("total", "passed", "failed", "broken", "skipped")}


def _expected_totals(counts) -> dict[str, int]:
    return {key: counts[key] for key in ("total", "passed", "failed", "broken", "skipped")}


def check_single_file(
    page: Page, checks: Checks, expected: dict[str, int], report_name: str, bep_id: str, categories: list[str]
) -> None:
    url = (REPORTS / publish.SINGLE_FILE).as_uri()
    page.goto(url)
    page.wait_for_selector('[data-testid="search-input"]', timeout=TIMEOUT_MS)
    checks.check("single-file report: title", page.title().strip() == report_name, repr(page.title().strip()))
    shown = _allure_totals(page)
    checks.check("single-file report: totals equal the run's Allure results", shown == expected, f"shown {shown}")
    page.screenshot(path=SHOTS / "1-report-overview.png")

    def find_and_open() -> str:
        page.fill('[data-testid="search-input"]', bep_id)
        # The search leaves one group per level (section > handler > "ID — title"); open each in turn.
        titles = page.locator('[data-testid="tree-section-title"]')
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=tree-section-title]').length <= 3", timeout=TIMEOUT_MS
        )
        for _ in range(3):
            shown = titles.count()
            if titles.nth(shown - 1).inner_text().strip().startswith(bep_id):
                break
            titles.nth(shown - 1).click()
            page.wait_for_function(
                f"document.querySelectorAll('[data-testid=tree-section-title]').length > {shown}", timeout=TIMEOUT_MS
            )
        path = [titles.nth(i).inner_text().strip() for i in range(titles.count())]
        if not page.locator('[data-testid="tree-leaf-title"]').count():
            titles.last.click()  # the "ID — title" group itself is still closed
        if not path[-1].startswith(bep_id):
            raise AssertionError(f"the innermost group is {path[-1]!r}, not the BEP ID's")
        page.screenshot(path=SHOTS / "2-report-bep-hierarchy.png")
        leaf = page.locator('[data-testid="tree-leaf-title"]').first
        name = leaf.inner_text().strip()
        leaf.click()
        page.wait_for_url(RESULT_URL, timeout=TIMEOUT_MS)  # the report's address of one test result
        page.get_by_text(name).first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=SHOTS / "3-report-scenario.png")
        return f"{' > '.join(path)} > {name!r}"

    checks.attempt(f"single-file report: {bep_id} is found by the search and its scenario opens", find_and_open)

    def show_categories() -> str:
        page.goto(url + "#categories")
        for name in categories:
            page.get_by_text(name).first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=SHOTS / "4-report-categories.png")
        return ", ".join(name.split(":")[0] for name in categories)

    checks.attempt("single-file report: the run's categories are listed", show_categories)

    def show_trend() -> str:
        page.goto(url + "#charts")
        page.get_by_text("Status dynamics").first.wait_for(timeout=TIMEOUT_MS)
        page.screenshot(path=SHOTS / "5-report-trend.png", full_page=True)
        return f"{_history_points()} run(s) in {_history_file().name}"

    checks.attempt("single-file report: the graphs open (trend over the kept history)", show_trend)


def check_conformance(page: Page, checks: Checks, expected: dict[str, int], title: str, bep_id: str) -> None:
    page.goto((REPORTS / "conformance.html").as_uri())
    checks.check("conformance page: title", page.title() == title, repr(page.title()))

    def count(key: str) -> int:
        cell = page.locator(f'[data-count="{key}"]')
        return int(cell.inner_text().split()[0]) if cell.count() else 0

    # Scenarios the release's verdicts skip before they start (companions of other releases, behaviour
    # gone, not bound yet) have no Allure result; the page counts them apart ("not for this release").
    declared = count("scenarios-declared-skip")
    shown = {
        "total": count("scenarios-total") - declared,
        "passed": count("scenarios-passed"),
        "failed": count("scenarios-failed"),
        "broken": count("scenarios-error") + count("scenarios-xpassed"),
        "skipped": count("scenarios-xfailed") + count("scenarios-skipped"),
    }
    checks.check(
        "conformance page: scenario totals equal the run's Allure results (besides those not for this release)",
        shown == expected,
        f"shown {shown}, {declared} not for this release",
    )
    records = json.loads((REPORTS / "bep-results.json").read_text(encoding="utf-8"))
    checks.check(
        "conformance page: the scenarios not for this release are those the release's verdicts skip",
        declared == sum(1 for r in records if r.get("declared_skip")),
        f"{declared} shown",
    )
    ids = count("ids-total")
    checks.check(
        "conformance page: every BEP ID has a row",
        ids == len(list(load_catalogue())) == page.locator("tr[data-status]").count(),
        f"{ids} IDs",
    )
    page.screenshot(path=SHOTS / "6-conformance-top.png")

    def open_from_row() -> str:
        page.goto((REPORTS / "conformance.html").as_uri() + f"#{bep_id}")
        row = page.locator(f"tr#{bep_id}")
        status = row.get_attribute("data-status")
        page.screenshot(path=SHOTS / "7-conformance-row.png")
        link = row.locator("ul.scenarios a").first
        name = link.inner_text().split(" ", 1)[1].rsplit(" (", 1)[0]
        link.click()
        page.wait_for_url(RESULT_URL, timeout=TIMEOUT_MS)
        page.get_by_text(name).last.wait_for(timeout=TIMEOUT_MS)
        return f"{bep_id} is {status}; its link opened {name!r}"

    checks.attempt(f"conformance page: the row of {bep_id} links to its scenario in the report", open_from_row)
    page.goto((REPORTS / "conformance.html").as_uri() + "#coverage")
    page.screenshot(path=SHOTS / "8-conformance-coverage.png")
    check_matrix(page, checks)


def check_matrix(page: Page, checks: Checks) -> None:
    """The matrix view (when reports/matrix.json exists): a row per ID, a column per release, the
    highlighted cells exactly the changes listed above it, each cell the status matrix.json gives."""
    across_file = REPORTS / "matrix.json"
    if not across_file.exists():
        print("  (no reports/matrix.json: `make matrix` builds the matrix view)")
        return
    across = json.loads(across_file.read_text(encoding="utf-8"))
    page.goto((REPORTS / "conformance.html").as_uri() + "#matrix")
    table = page.locator("table.matrix")
    rows = table.locator("tr[id^='matrix-']")
    checks.check(
        "matrix view: a row per BEP ID and a column per release",
        rows.count() == len(across["ids"])
        and table.locator("tr").first.locator("th").count() == 1 + len(across["releases"]),
        f"{rows.count()} rows, releases {across['releases']}",
    )
    shown = {
        (cell.get_attribute("data-release"), cell.get_attribute("data-status"))
        for cell in page.locator("table.matrix tr#matrix-" + next(iter(across["ids"])) + " td[data-release]").all()
    }
    first_id, first_cells = next(iter(across["ids"].items()))
    checks.check(
        f"matrix view: the cells of {first_id} show its status in each release",
        shown == {(v, c["status"]) for v, c in first_cells.items()},
        f"shown {sorted(shown)}",
    )
    changed = page.locator("table.matrix td.changed").count()
    listed = page.locator("ul.changes li").count()
    checks.check(
        "matrix view: the highlighted cells are the changes listed",
        changed == listed == len(across["changes"]),
        f"{changed} highlighted, {listed} listed, {len(across['changes'])} in matrix.json",
    )
    page.screenshot(path=SHOTS / "9-conformance-matrix.png")


def check_served(page: Page, checks: Checks, expected: dict[str, int]) -> None:
    with serve(REPORTS) as base:

        def load() -> str:
            page.goto(f"{base}/{publish.REPORT_DIR}/index.html")
            shown = _allure_totals(page)
            if shown != expected:
                raise AssertionError(f"shown {shown}")
            return f"{base}, totals {shown['total']}"

        checks.attempt("browsable report served from 127.0.0.1: loads with the same totals", load)


def _history_file() -> Path:
    """The trend of the release the report shows (allurerc.mjs keeps one per release)."""
    run = json.loads((REPORTS / "run-info.json").read_text(encoding="utf-8"))
    return REPORTS / f"history-{run.get('release') or run['sutVersion']}.jsonl"


def _history_points() -> int:
    history = _history_file()
    return (
        sum(1 for line in history.read_text(encoding="utf-8").splitlines() if line.strip()) if history.exists() else 0
    )


def main() -> int:
    chromium = find_chromium()
    if not chromium:
        print(
            "No Chromium found: install Debian's package (apt-get install chromium) or set CHROMIUM=/path/to/it",
            file=sys.stderr,
        )
        return 1
    for required in (publish.SINGLE_FILE, "conformance.html", "run-info.json", "allure-results", "bep-results.json"):
        if not (REPORTS / required).exists():
            print(f"reports/{required} is missing: run `make report` (or `make publish`) first", file=sys.stderr)
            return 1
    run = json.loads((REPORTS / "run-info.json").read_text(encoding="utf-8"))
    expected = _expected_totals(allure_results.status_counts(allure_results.read(REPORTS / "allure-results")))
    report_name = f"BEP-1033 conformance of Sokovan: {run['sut']} {run['sutVersion']}"
    page_title = f"BEP-1033 conformance: Sokovan in {run['sut']} {run['sutVersion']}"
    records = json.loads((REPORTS / "bep-results.json").read_text(encoding="utf-8"))
    categories = [c for c in _category_names() if c.split(":")[0] in _categories_present(records)]
    bep_id = _bep_id_to_open(records)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()

    print(f"\nBrowser check with {chromium} (expected totals {expected}):")
    checks = Checks()
    remote: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, service_workers="block")

        def guard(route) -> None:
            if is_local(route.request.url):
                route.continue_()
            else:
                remote.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        context.on("request", lambda request: None if is_local(request.url) else remote.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda ws: None if is_local(ws.url) else remote.append(ws.url))
        page.set_default_timeout(TIMEOUT_MS)
        check_single_file(page, checks, expected, report_name, bep_id, categories)
        check_conformance(page, checks, expected, page_title, bep_id)
        check_served(page, checks, expected)
        browser.close()
    checks.check("no request left the machine", not remote, ", ".join(sorted(set(remote))[:5]))
    print(f"  screenshots: {SHOTS}")
    if checks.failures:
        print(f"Browser check FAILED: {len(checks.failures)} of its checks", file=sys.stderr)
        return 1
    print("Browser check passed.")
    return 0


def _category_names() -> list[str]:
    """The category names allurerc.mjs declares, in its order (read from the config file itself)."""
    text = Path("allurerc.mjs").read_text(encoding="utf-8")
    return [line.split('name: "', 1)[1].split('"', 1)[0] for line in text.splitlines() if 'name: "' in line]


def _categories_present(records: list[dict]) -> set[str]:
    """The categories this run's results must fall into (the first words of their names)."""
    present = set()
    for record in records:
        outcome = record["outcome"]
        if record["divergence"] and outcome == "xfailed":
            if record.get("defect"):
                present.add("Defect found")
            elif record["absent_in_code"]:
                present.add("Absent in code")
            else:
                present.add("Known BEP divergence")
        elif outcome == "xpassed":
            present.add("Unexpected pass of a divergence")
        elif outcome == "failed":
            present.add("Product failures")
        elif outcome == "error":
            present.add("Suite errors")
    return present


def _bep_id_to_open(records: list[dict]) -> str:
    """SD-002 (a defect) when the run has it; else the first ID the run has, a divergent one first."""
    ids = [r["bep_id"] for r in records if r["divergence"]] + [r["bep_id"] for r in records]
    return BEP_ID if BEP_ID in ids else ids[0]


if __name__ == "__main__":
    sys.exit(main())

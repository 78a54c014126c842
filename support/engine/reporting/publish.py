"""Build the published report from a run's results: Allure 3 (browsable and single-file) and the
conformance page, with nothing in them that loads from the network.

Generation (allurerc.mjs) writes two renderings into reports/allure-build/; they are moved to
  reports/allure-report/        the browsable report (serve it: node_modules/.bin/allure open reports/allure-report)
  reports/bep-1033-report.html  the same report in one file, to open from disk or mail
and the Awesome plugin's hard-coded Google Analytics tag is removed from both (allure3 #476).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from support.engine.reporting import allure_results, conformance, environment
from support.engine.reporting.statuses import load_records

ALLURE = Path("node_modules/.bin/allure")
REPORT_DIR = "allure-report"
SINGLE_FILE = conformance.REPORT_FILE
BUILD_DIR = "allure-build"

# <script async src="https://www.googletagmanager.com/..."></script> and the inline gtag() set-up after it.
_EXTERNAL_SCRIPT = re.compile(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', re.IGNORECASE)
_GTAG_INLINE = re.compile(r"<script>(?:(?!</script>).)*\bgtag\((?:(?!</script>).)*</script>\s*", re.DOTALL)
# Anything left in the HTML that a browser would fetch from another host on load.
_REMOTE_LOAD = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.IGNORECASE)


class PublishError(RuntimeError):
    pass


def strip_analytics(html: str) -> str:
    html = _EXTERNAL_SCRIPT.sub("", html)
    return _GTAG_INLINE.sub("", html)


def _clean(path: Path) -> None:
    html = strip_analytics(path.read_text(encoding="utf-8"))
    remote = _REMOTE_LOAD.search(html)
    if remote:
        raise PublishError(f"{path} still loads from the network: {html[remote.start() : remote.start() + 120]}")
    path.write_text(html, encoding="utf-8")


def _generate(results_dir: Path, reports: Path) -> None:
    if not ALLURE.exists():
        raise PublishError(f"{ALLURE} is missing: run `make tools` (npm ci) first")
    build = reports / BUILD_DIR
    shutil.rmtree(build, ignore_errors=True)
    # A run's results add one point to the trend (reports/history.jsonl), however often they are published.
    published = results_dir / ".published"
    env = {**os.environ, "BEP_APPEND_HISTORY": "0" if published.exists() else "1"}
    done = subprocess.run(
        [str(ALLURE), "generate", str(results_dir)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise PublishError(f"allure generate failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    published.touch()
    target = reports / REPORT_DIR
    shutil.rmtree(target, ignore_errors=True)
    (build / "awesome").rename(target)
    (build / "mailable" / "index.html").replace(reports / SINGLE_FILE)
    shutil.rmtree(build)
    _clean(target / "index.html")
    _clean(reports / SINGLE_FILE)


def publish(reports: Path, results_dir: Path, *, selection: bool = False) -> conformance.Page:
    """Environment, conformance page, then the Allure report (which attaches the page)."""
    run = environment.write(results_dir, reports)
    records = load_records(reports / "bep-results.json")
    allure = allure_results.read(results_dir)
    across_path = reports / "matrix.json"
    across = json.loads(across_path.read_text()) if across_path.exists() else None
    page = conformance.write(
        reports / environment.CONFORMANCE_PAGE,
        records,
        allure,
        reports / "coverage.json",
        run,
        selection=selection,
        across=across,
    )
    _generate(results_dir, reports)
    return page

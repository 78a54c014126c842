"""What `make test`, `make report` and `make publish` do after the suite has run.

    python -m support.engine.reporting.finish [--suite-status=N] [--report] [--selection]
    python -m support.engine.reporting.finish --publish      (rebuild the report of the last run only)

  * the coverage gate (support.engine.coverage_gate), skipped for a tag-selected run (--selection);
  * reports/bep-traceability.md, failing when an ID is failing (a selection only counts what it ran);
  * with --report: the conformance page and the Allure report (support.engine.reporting.publish);
  * the summary table by family, and the paths to open.
Exit status: the suite's own if it failed, else 1 if a check failed, else 0. --publish checks nothing:
it rebuilds the pages of the last run (a tag-selected one stays a selection).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from support.engine import coverage_gate, releases
from support.engine.reporting import environment, matrix, publish, summary, traceability
from support.engine.reporting.statuses import load_records, release_of

REPORTS = Path("reports")
RESULTS = REPORTS / "allure-results"
SELECTION_MARK = RESULTS / ".tag-selection"  # written with the results of a tag-selected run


def _keep_for_the_matrix(results_file: Path, info: dict) -> None:
    """A whole run's records, kept per release (reports/releases/<version>/) for `make matrix`."""
    records = load_records(results_file)
    version = release_of(records)
    if version not in {r.version for r in releases.SUPPORTED}:
        return
    folder = REPORTS / "releases" / version
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(results_file, folder / "bep-results.json")
    (folder / "run-info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")


def main(argv: list[str]) -> int:
    suite_status = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--suite-status=")), 0)
    republish = "--publish" in argv
    report = "--report" in argv or republish
    results_file = REPORTS / "bep-results.json"
    if not results_file.exists():
        print(f"{results_file} is missing: the suite did not run to its end", file=sys.stderr)
        return suite_status or 1
    if republish:
        selection = SELECTION_MARK.exists()
    else:
        selection = "--selection" in argv
        if selection and RESULTS.is_dir():
            SELECTION_MARK.touch()

    failed = False
    if selection and not republish:
        print("\nTag-selected run: coverage floors are not checked.")
    elif not republish:
        failed |= coverage_gate.main([str(REPORTS / "coverage.json")]) != 0

    counts = traceability.write(results_file, REPORTS / "bep-traceability.md", selection=selection)
    if not republish:
        info = environment.run_info()
        (REPORTS / "run-info.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
        if not selection and "sourceCommit" not in info:  # a source tree's run is not the release's
            _keep_for_the_matrix(results_file, info)
    failed |= counts["failing"] > 0 and not republish

    paths = [("traceability (Markdown)", REPORTS / "bep-traceability.md")]
    if any(matrix.release_results(r.version, REPORTS).exists() for r in releases.SUPPORTED):
        matrix.write(REPORTS)  # the matrix of every release run so far (make matrix runs them all)
    if report:
        try:
            publish.publish(REPORTS, RESULTS, selection=selection)
        except publish.PublishError as error:
            print(f"\nThe report could not be built: {error}", file=sys.stderr)
            failed = True
        else:
            paths = [
                ("conformance page", REPORTS / "conformance.html"),
                ("Allure report, one file", REPORTS / publish.SINGLE_FILE),
                ("Allure report, browsable", REPORTS / publish.REPORT_DIR / "index.html"),
                *paths,
            ]

    print("\n" + summary.table(load_records(results_file), selection=selection))
    run = json.loads((REPORTS / "run-info.json").read_text(encoding="utf-8"))
    if "sourceCommit" in run:
        print(f"Code under test: {run['source']} (Backend.AI {run['sutVersion']}, commit {run['sourceCommit']})")
    print()
    width = max(len(label) for label, _ in paths)
    for label, path in paths:
        print(f"  {label:<{width}}  {path.resolve()}")
    if report:
        print(
            f"  {'':<{width}}  (serve the browsable one: node_modules/.bin/allure open {REPORTS / publish.REPORT_DIR})"
        )
    else:
        print(f"  {'':<{width}}  (`make report` builds the conformance page and the Allure report)")
    return suite_status or int(failed)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

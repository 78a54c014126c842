"""What a run leaves under reports/ for its readers (see reports/README.md).

statuses.py        scenario outcomes and BEP ID statuses, read from reports/bep-results.json
traceability.py    reports/bep-traceability.md
environment.py     run facts: system under test, versions, commit, date
allure_results.py  the raw Allure results and each scenario's address in the report
conformance.py     reports/conformance.html (with coverage_then_now.py: the BEP's coverage tables, then and now)
publish.py         the Allure 3 report, browsable and single-file, without network loads
summary.py         the table by BEP family that make test / make report end with
finish.py          what the Makefile runs after the suite
browser_check.py   the published pages opened in headless Chromium
"""

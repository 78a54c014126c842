// Allure 3 configuration for `make report` (read by `allure generate`; see support/engine/reporting/).
//
// One generation writes two renderings of the same results, both with the Awesome plugin:
//   awesome  the browsable report        -> moved to reports/allure-report/
//   mailable the same report as one file -> moved to reports/bep-1033-report.html
// support/engine/reporting/publish.py then moves them into place and strips Awesome's analytics script.
//
// Results are grouped like the BEP: section (epic) > handler (feature) > "ID — title" (story).
// Every result carries the release under test as a `release` label, a "release <version>" tag and a
// parameter, so results of several releases can be filtered apart. Divergent BEP expectations are
// strict expected failures: Allure shows them as "skipped" with an "XFAIL BEP ..." message, and the
// categories below sort them by the kind the release's verdict gives (a `tag` label: defect,
// absent-in-code, divergence). First match wins. The trend is kept per release.
import { readFileSync } from "node:fs";

// Written by `python -m support.engine.reporting.environment` before generation.
const run = (() => {
  try {
    return JSON.parse(readFileSync("reports/run-info.json", "utf8"));
  } catch {
    return { sut: "backend.ai-manager", sutVersion: "?" };
  }
})();

const reportName = `BEP-1033 conformance of Sokovan: ${run.sut} ${run.sutVersion}`;
const tag = (name) => ({ tag: new RegExp(`^${name}$`) });
const awesome = {
  reportName,
  groupBy: ["epic", "feature", "story"],
  defaultSortBy: "name,asc",
  reportLanguage: "en",
};

export default {
  name: reportName,
  output: "reports/allure-build",
  // support.engine.plugin's link from a scenario to its result, for the conformance page only.
  hideLabels: ["pytest_node"],
  historyPath: `reports/history-${run.release ?? run.sutVersion}.jsonl`,
  historyLimit: 20,
  // One trend point per suite run: `make publish` of results already published does not add another.
  appendHistory: process.env.BEP_APPEND_HISTORY !== "0",
  // The conformance page, readable from the report's overview (Globals > attachments).
  globalAttachments: ["reports/conformance.html"],
  plugins: {
    awesome: { options: { ...awesome, singleFile: false } },
    mailable: { import: "@allurereport/plugin-awesome", options: { ...awesome, singleFile: true } },
  },
  categories: [
    {
      id: "defect-found",
      name: "Defect found: the release diverges from the BEP in a way that looks like a bug",
      matchers: { statuses: ["skipped"], labels: tag("defect"), message: /^XFAIL BEP/ },
      groupBy: [{ label: "feature" }],
      expand: true,
    },
    {
      id: "absent-in-code",
      name: "Absent in code: the behaviour the BEP expects does not exist in the release",
      matchers: { statuses: ["skipped"], labels: tag("absent-in-code"), message: /^XFAIL BEP/ },
      groupBy: [{ label: "feature" }],
    },
    {
      id: "known-divergence",
      name: "Known BEP divergence: the release does something else than the BEP expects",
      matchers: { statuses: ["skipped"], labels: tag("divergence"), message: /^XFAIL BEP/ },
      groupBy: [{ label: "feature" }],
    },
    {
      id: "unexpected-pass",
      name: "Unexpected pass of a divergence: the release now meets a BEP expectation declared divergent",
      matchers: { message: /XPASS\(strict\)/ },
      groupBy: [{ label: "feature" }],
      expand: true,
    },
    {
      id: "not-for-this-release",
      name: "Not for this release: the release's verdicts skip it (companion of other releases, not bound yet, behaviour gone)",
      matchers: { statuses: ["skipped"], message: /^(Skipped: )?(pins the behaviour of other releases|not bound to|not applicable in)/ },
      groupBy: [{ label: "feature" }],
    },
    {
      id: "product-failure",
      name: "Product failures: the release no longer does what a scenario states",
      matchers: { statuses: ["failed"] },
      groupBy: [{ label: "feature" }],
      expand: true,
    },
    {
      id: "suite-error",
      name: "Suite errors: a scenario could not run (set-up, step or double error)",
      matchers: { statuses: ["broken", "unknown"] },
      groupBy: [{ label: "feature" }],
      expand: true,
    },
  ],
};

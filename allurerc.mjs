// Allure 3 configuration for `make report` (read by `allure generate`).
// Results are grouped like the BEP (section > handler > scenario ID), and the BEP expectations that
// Backend.AI 26.3.3 does not meet (strict expected failures, shown by Allure as "skipped" with an
// XFAIL message) get a category of their own instead of looking like skipped tests.
export default {
  name: "BEP-1033 Sokovan handler scenarios (backend.ai-manager 26.3.3)",
  output: "reports/allure-report",
  plugins: {
    awesome: {
      options: {
        reportName: "BEP-1033 Sokovan handler scenarios",
        singleFile: false,
        groupBy: ["epic", "feature", "story"],
        defaultSortBy: "name,asc",
      },
    },
  },
  categories: [
    {
      name: "Defect found: 26.3.3 diverges from the BEP in a way that looks like a bug",
      matchers: { statuses: ["skipped"], message: /^XFAIL BEP defect/ },
      groupBy: [{ label: "feature" }],
    },
    {
      name: "BEP divergence: 26.3.3 does not meet the BEP's expectation",
      matchers: { statuses: ["skipped"], message: /^XFAIL BEP divergence/ },
      groupBy: [{ label: "feature" }],
    },
    { name: "Scenario failures", matchers: { statuses: ["failed"] } },
    { name: "Broken scenarios (errors in steps or set-up)", matchers: { statuses: ["broken"] } },
  ],
};

"""The pytest plugin that ties each collected scenario to its BEP-1033 row.

At collection it
  * checks every feature file against the catalogue and the tagging rules (support.engine.spec_rules),
    checks that every step line resolves to exactly one step definition and that no step was
    registered as a bare coroutine, and stops the run naming each file:line if anything is wrong;
  * applies this run's release's verdicts (support.engine.verdicts, ``releases/<version>/``): a BEP
    expectation that fails in this release becomes a strict expected failure whose reason says what
    the release does instead; an @as-implemented companion that pins other releases, a scenario of a
    BEP row whose behaviour this release no longer has, and one not yet bound to this release are
    skipped with their reason (and reported as such, never as failures).
While running it gives each Allure result its place in the BEP (epic, feature, story, severity,
link), records every scenario's outcome, and fails the run if any scenario was skipped.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import allure
import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.scenario import find_fixturedefs_for_step, scenario_wrapper_template_registry
from pytest_bdd.steps import step_function_context_registry

from support.engine import releases, swallowed, verdicts
from support.engine.catalogue import load_catalogue
from support.engine.spec_rules import (
    KNOWN_TAGS,
    Problem,
    ScenarioSpec,
    check_specs,
    duplicate_scenario_names,
    examples_block_of,
    gherkin_syntax_problem,
    scenario_specs,
)

SPEC = pytest.StashKey[ScenarioSpec]()
TITLE = pytest.StashKey[str]()  # the scenario name with outline parameters filled in
OUTCOMES = pytest.StashKey[dict[str, dict]]()  # each scenario's record, as collected from the reports
RUNNING = pytest.StashKey[dict[str, dict]]()  # the records of the scenarios this process runs
BEP_RECORD = "bep_record"  # the user property a report carries its scenario's record in
_COLLECTED: dict[str, dict] | None = None
SKIPPED = pytest.StashKey[list[str]]()
LEDGER = pytest.StashKey[swallowed.ErrorLedger]()
STEP_FAILED = pytest.StashKey[bool]()
EXAMPLE_PARAM = "_pytest_bdd_example"
NODE_LABEL = "pytest_node"
E2E_EPIC = "7. End-to-end scenarios (BEP Phase 4)"
E2E_ANCHOR = "phase-4-e2e-scenario-tests"

# Classification -> Allure severity, so the report can be filtered by what a failure costs.
SEVERITY = {
    "happy-path": allure.severity_level.CRITICAL,
    "error-case": allure.severity_level.NORMAL,
    "edge-case": allure.severity_level.MINOR,
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("bep").addoption(
        "--bep-results",
        metavar="PATH",
        help="write each scenario's BEP ID, tags and outcome to PATH (JSON) for the traceability matrix",
    )


def pytest_configure(config: pytest.Config) -> None:
    for tag in sorted(KNOWN_TAGS):
        config.addinivalue_line("markers", f"{tag}: BEP-1033 scenario tag")
    for entry in load_catalogue():
        config.addinivalue_line("markers", f"{entry.id}: BEP-1033 {entry.story}")
    global _COLLECTED
    config.stash[OUTCOMES] = _COLLECTED = {}
    config.stash[RUNNING] = {}


# --------------------------------------------------------------------------------------------
# Collection: checks and divergence markers
# --------------------------------------------------------------------------------------------


def pytest_sessionstart(session: pytest.Session) -> None:
    """A feature file Gherkin cannot parse stops the run with one line: file, line, column, and
    what the parser expected (instead of pytest's internal error and its traceback)."""
    root = session.config.rootpath
    problems = [
        problem
        for path in sorted((root / session.config.getini("bdd_features_base_dir")).rglob("*.feature"))
        if (problem := gherkin_syntax_problem(path, root)) is not None
    ]
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        pytest.exit(f"Gherkin syntax errors ({len(problems)}):\n{listing}", returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    features_dir = root / config.getini("bdd_features_base_dir")
    catalogue = load_catalogue()

    release = releases.current()
    release_verdicts = verdicts.load(release)
    specs = [
        spec
        for feature in get_features([str(features_dir)])
        for spec in scenario_specs(feature, root, release_verdicts)
    ]
    problems = check_specs(specs, catalogue)
    problems.extend(Problem(where, message) for where, message in verdicts.check(release_verdicts, _known(specs)))
    for path in sorted(features_dir.rglob("*.feature")):
        problems.extend(duplicate_scenario_names(path, root))
    problems.extend(_bare_coroutine_steps(root))

    index = {(s.feature_file, s.name, s.examples_index): s for s in specs}
    bound: set[str] = set()
    for item in items:
        template = _template_of(item)
        if template is None:
            problems.append(Problem(item.nodeid, "every test of this suite must be a Gherkin scenario"))
            continue
        feature_file = str(Path(template.feature.filename).resolve().relative_to(root))
        bound.add(feature_file)
        block = None
        if template.templated and template.examples:
            assert isinstance(item, pytest.Function), f"{item.nodeid}: a Scenario Outline's test is a function"
            block = examples_block_of(template, item.callspec.indices[EXAMPLE_PARAM])
        spec = index[(feature_file, template.name, block)]
        item.stash[SPEC] = spec
        example = item.callspec.params.get(EXAMPLE_PARAM, {}) if hasattr(item, "callspec") else {}
        item.stash[TITLE] = template.render(example).name
        if not spec.unbound:  # an unbound scenario's words may have no meaning in this release's binding yet
            problems.extend(_unresolved_steps(session, item, template, example, feature_file))
        marker = _release_marker(spec, release.version)
        if marker is not None:
            item.add_marker(marker)

    if _whole_suite(config):
        for spec in specs:
            if spec.feature_file not in bound:
                problems.append(Problem(spec.feature_file, "no test module binds this feature file (see step_defs/)"))
                bound.add(spec.feature_file)

    if problems:
        listing = "\n".join(f"  {p}" for p in sorted(set(problems), key=str))
        pytest.exit(
            f"BEP-1033 spec checks failed ({len(set(problems))}):\n{listing}", returncode=pytest.ExitCode.USAGE_ERROR
        )


def _known(specs: list[ScenarioSpec]) -> dict[tuple[str, str], tuple[int, bool]]:
    """Each scenario of the features, as the verdicts files name it: (file under features/, name)
    -> (its number of Examples blocks, whether it is an @as-implemented companion)."""
    known: dict[tuple[str, str], tuple[int, bool]] = {}
    for spec in specs:
        key = (spec.feature_file.removeprefix("features/"), spec.name)
        blocks, _ = known.get(key, (0, False))
        known[key] = (blocks + 1, spec.as_implemented)
    return known


def _release_marker(spec: ScenarioSpec, release: str) -> pytest.MarkDecorator | None:
    """What this release's verdict makes of the scenario: skipped with its reason where it does not
    apply or is not bound yet, a strict expected failure where the BEP's expectation fails."""
    if spec.not_applicable:
        return pytest.mark.skip(reason=f"not applicable in {release}: {spec.not_applicable}")
    if spec.unbound:
        return pytest.mark.skip(reason=f"not bound to {release} yet: {spec.unbound}")
    if not spec.applicable:
        return pytest.mark.skip(reason=f"pins the behaviour of other releases, not of {release}")
    if spec.divergent:
        kind = "BEP defect" if spec.defect else "BEP divergence"
        risk = f" Risk: {spec.defect_risk}" if spec.defect_risk else ""
        return pytest.mark.xfail(
            strict=True, raises=AssertionError, reason=f"{kind} in {release}: {spec.divergence_reason}{risk}"
        )
    return None


def declared_skip(spec: ScenarioSpec) -> str | None:
    """Which of the release's declared reasons to skip a scenario applies, if any."""
    if spec.not_applicable:
        return "not-applicable"
    if spec.unbound:
        return "unbound"
    if not spec.applicable:
        return "pins-other-releases"
    return None


def _template_of(item: pytest.Item):
    function = getattr(item, "function", None)
    return None if function is None else scenario_wrapper_template_registry.get(function)


def _unresolved_steps(
    session: pytest.Session, item: pytest.Item, template, example: dict, feature_file: str
) -> Iterator[Problem]:
    scenario = template.render(example)
    for step in scenario.steps:
        fixturedefs = find_fixturedefs_for_step(step, session._fixturemanager, item)
        functions = {step_function_context_registry[fd.func].step_func for fd in fixturedefs}
        where = f"{feature_file}:{step.line_number}"
        if not functions:
            yield Problem(where, f"no step definition for '{step.keyword.strip()} {step.name}'")
        elif len(functions) > 1:
            names = ", ".join(sorted(f"{fn.__module__}.{fn.__name__}" for fn in functions))
            yield Problem(where, f"'{step.keyword.strip()} {step.name}' matches several step definitions: {names}")


def _bare_coroutine_steps(root: Path) -> Iterator[Problem]:
    for context in list(step_function_context_registry.values()):
        fn = context.step_func
        if inspect.iscoroutinefunction(fn):
            source = Path(inspect.getsourcefile(fn) or "?")
            try:
                source = source.resolve().relative_to(root)
            except ValueError:
                pass
            line = inspect.getsourcelines(fn)[1]
            yield Problem(
                f"{source}:{line}",
                f"async step {fn.__name__!r} is registered with pytest_bdd's own decorator and would never run; "
                "import given/when/then from support.engine.bdd",
            )


def _whole_suite(config: pytest.Config) -> bool:
    return (
        list(config.args) == list(config.getini("testpaths"))
        and not config.option.keyword
        and not config.option.markexpr
    )


def pytest_bdd_before_step_call(step_func, **_: object) -> None:
    if inspect.iscoroutinefunction(step_func):
        pytest.fail(f"async step {step_func.__name__!r} registered without support.engine.bdd; it would not run")


# --------------------------------------------------------------------------------------------
# Swallowed errors: a scenario passes only if every error the code caught was stated
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def error_ledger(request: pytest.FixtureRequest):
    """The scenario's ledger of swallowed errors (support.engine.swallowed)."""
    with swallowed.ledger() as kept:
        request.node.stash[LEDGER] = kept
        yield kept


def pytest_bdd_step_error(request: pytest.FixtureRequest, **_: object) -> None:
    request.node.stash[STEP_FAILED] = True


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, **_: object) -> None:
    """Every step passed: fail the scenario if the code swallowed an error no Then step stated."""
    kept = request.node.stash.get(LEDGER, None)
    if kept is None or request.node.stash.get(STEP_FAILED, False):
        return
    unstated = kept.unstated()
    if not unstated:
        return
    listing = "\n".join(f"  {entry}" for entry in unstated)
    survey = os.environ.get("BEP_SWALLOWED_SURVEY")
    if survey:  # list them instead of failing (surveying the suite)
        with open(survey, "a") as out:
            out.write(json.dumps({"node": request.node.nodeid, "errors": [str(e) for e in unstated]}) + "\n")
        return
    pytest.fail(
        f"the code under test swallowed {len(unstated)} error(s) that no Then step of this scenario states:\n{listing}",
        pytrace=False,
    )


# --------------------------------------------------------------------------------------------
# Allure: place each result in the BEP
# --------------------------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature, scenario) -> None:
    spec = request.node.stash.get(SPEC, None)
    if spec is not None and spec.e2e:
        _place_end_to_end(request, feature, scenario, spec)
        return
    if spec is None or spec.bep_id is None:
        return
    entry = load_catalogue()[spec.bep_id]
    allure.dynamic.epic(entry.epic)
    allure.dynamic.feature(entry.subject)
    allure.dynamic.story(entry.story)
    allure.dynamic.label("bep_id", entry.id)
    _label_release(spec)
    # Lets the conformance page link each scenario to its Allure result (hidden in the report).
    allure.dynamic.label(NODE_LABEL, request.node.nodeid)
    if spec.classification:
        allure.dynamic.severity(SEVERITY[spec.classification])
    allure.dynamic.link(entry.link, name=f"BEP-1033 {entry.section} ({entry.id})")


def _label_release(spec: ScenarioSpec) -> None:
    """The release under test, as a label (the report filters by it) and a parameter (so that one
    scenario's results on two releases are two results, each with its own history)."""
    allure.dynamic.label("release", spec.verdict.release)
    allure.dynamic.tag(f"release {spec.verdict.release}")
    allure.dynamic.parameter("release", spec.verdict.release)
    if spec.divergent:  # the report's categories sort expected failures by the release's verdict
        allure.dynamic.tag(spec.verdict.kind or "divergence")


def _place_end_to_end(request: pytest.FixtureRequest, feature, scenario, spec: ScenarioSpec) -> None:
    """An end-to-end scenario sits under the BEP's Phase 4, by feature, and names every ID it exercises."""
    catalogue = load_catalogue()
    allure.dynamic.epic(E2E_EPIC)
    allure.dynamic.feature(feature.name)
    allure.dynamic.story(request.node.stash[TITLE])
    for bep_id in spec.bep_ids:
        allure.dynamic.label("bep_id", bep_id)
    _label_release(spec)
    allure.dynamic.label(NODE_LABEL, request.node.nodeid)
    if spec.classification:
        allure.dynamic.severity(SEVERITY[spec.classification])
    allure.dynamic.link(f"{catalogue.source}#{E2E_ANCHOR}", name="BEP-1033 Implementation Plan, Phase 4")


# --------------------------------------------------------------------------------------------
# Outcomes: for the traceability matrix, and no scenario may be skipped
# --------------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    spec = item.stash.get(SPEC, None)
    if spec is None:
        return report
    # Kept where the scenario runs (a worker, under xdist) across its phases; every phase's report
    # carries the record so far to wherever reports are collected (pytest_runtest_logreport).
    outcomes = item.config.stash[RUNNING]
    record = outcomes.setdefault(
        item.nodeid,
        {
            "bep_id": spec.bep_id,
            "release": spec.verdict.release,
            "declared_skip": declared_skip(spec),
            "unbound": spec.unbound,
            "not_applicable": spec.not_applicable,
            "e2e": spec.e2e,
            "bep_ids": list(spec.bep_ids),
            "node": item.nodeid,
            "scenario": item.stash[TITLE],
            "where": spec.where,
            "divergence": spec.divergent,
            "as_implemented": spec.as_implemented,
            "absent_in_code": spec.absent_in_code,
            "defect": spec.defect,
            "risk": spec.defect_risk,
            "unreachable": spec.unreachable,
            "unreachable_reason": spec.unreachable_reason,
            "reason": spec.divergence_reason,
            "outcome": "passed",
        },
    )
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            record["outcome"] = "xfailed" if report.skipped else "xpassed"
        elif report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):
            record["outcome"] = "xpassed"
        elif report.failed:
            # As Allure tells them apart: an assertion is a failure, any other exception an error.
            asserted = call.excinfo is not None and call.excinfo.errisinstance((AssertionError, pytest.fail.Exception))
            record["outcome"] = "failed" if asserted else "error"
        elif report.skipped:
            record["outcome"] = "skipped"
    elif report.failed:
        record["outcome"] = "error"
    elif report.skipped and record["outcome"] == "passed":
        record["outcome"] = "skipped"
    report.user_properties.append((BEP_RECORD, dict(record)))
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect each scenario's record where reports arrive: in this process, or from the xdist
    workers on the controller. A later phase's record replaces an earlier one's."""
    for key, value in report.user_properties:
        if key == BEP_RECORD and _COLLECTED is not None:
            record = cast("dict[str, Any]", value)  # the record this plugin appended, as xdist carried it
            _COLLECTED[record["node"]] = record


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _is_xdist_worker(session.config):
        return  # the controller judges the run and writes the records
    outcomes = session.config.stash.get(OUTCOMES, {})
    skipped = sorted(
        nodeid for nodeid, r in outcomes.items() if r["outcome"] == "skipped" and not r.get("declared_skip")
    )
    if skipped:
        session.config.stash[SKIPPED] = skipped
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    path = session.config.getoption("--bep-results")
    if path and outcomes:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            json.dumps(
                sorted(outcomes.values(), key=lambda r: (r["bep_id"] or "", r["where"], r["scenario"])), indent=1
            )
        )


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    skipped = config.stash.get(SKIPPED, [])
    if skipped:
        terminalreporter.write_sep("=", "skipped scenarios are not allowed", red=True)
        for nodeid in skipped:
            terminalreporter.write_line(f"  {nodeid}")

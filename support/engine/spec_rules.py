"""What a scenario says about itself (tags, BEP ID) and what this run's release does with it (its
verdict, from support.engine.verdicts), and the rules a scenario must follow.

Everything here works on pytest-bdd's parsed feature files, so the rules hold for every feature file
whether or not a given pytest run selects it. ``support.engine.plugin`` turns the problems found here into
a failed run that names the file and line of each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pytest_bdd.gherkin_parser import get_gherkin_document
from pytest_bdd.parser import Feature, ScenarioTemplate

from support.engine.catalogue import ID_PATTERN, Catalogue
from support.engine.verdicts import Verdict, Verdicts

CLASSIFICATIONS = ("happy-path", "error-case", "edge-case")
AS_IMPLEMENTED = "as-implemented"
AREA_TAGS = frozenset(
    {
        "scheduler",
        "lifecycle",
        "maintenance",
        "kernel",
        "promotion",
        "coordinator",
        "deployment",
        "route",
        "e2e",
        "database",
    }
)
KNOWN_TAGS = frozenset({*CLASSIFICATIONS, AS_IMPLEMENTED, *AREA_TAGS})
# What a release does with a scenario is that release's verdict (support.engine.verdicts), never a
# tag of the one spec: these tags are refused with a pointer to the verdicts file.
VERDICT_TAGS = frozenset({"divergence", "absent-in-code", "defect", "unreachable-input"})


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class ScenarioSpec:
    """One runnable scenario: a plain scenario, or one ``Examples:`` block of an outline."""

    feature_file: str  # relative to the project root
    feature_name: str
    name: str
    line: int  # the Scenario line, or the Examples line for an outline block
    tags: frozenset[str]
    description: str
    examples_index: int | None = None
    bep_ids: tuple[str, ...] = field(default=())
    verdict: Verdict = field(default_factory=lambda: Verdict(""))  # this run's release's verdict

    @property
    def where(self) -> str:
        return f"{self.feature_file}:{self.line}"

    @property
    def e2e(self) -> bool:
        """An end-to-end scenario: it exercises the BEP IDs it names together, and speaks for none alone."""
        return "e2e" in self.tags

    @property
    def bep_id(self) -> str | None:
        return self.bep_ids[0] if len(self.bep_ids) == 1 and not self.e2e else None

    @property
    def classification(self) -> str | None:
        found = [t for t in CLASSIFICATIONS if t in self.tags]
        return found[0] if len(found) == 1 else None

    @property
    def divergent(self) -> bool:
        """The BEP's expectation fails in this release (a strict expected failure)."""
        return self.verdict.expected_fail

    @property
    def as_implemented(self) -> bool:
        return AS_IMPLEMENTED in self.tags

    @property
    def applicable(self) -> bool:
        """An @as-implemented companion runs only in the releases whose behaviour it pins."""
        return not self.as_implemented or self.verdict.pins

    @property
    def absent_in_code(self) -> bool:
        return self.divergent and self.verdict.absent_in_code

    @property
    def defect(self) -> bool:
        return self.divergent and self.verdict.defect

    @property
    def unreachable(self) -> bool:
        return self.verdict.unreachable is not None

    @property
    def divergence_reason(self) -> str | None:
        return self.verdict.reason if self.divergent else None

    @property
    def unreachable_reason(self) -> str | None:
        return self.verdict.unreachable

    @property
    def defect_risk(self) -> str | None:
        return self.verdict.risk if self.defect else None

    @property
    def unbound(self) -> str | None:
        """Why this release's binding does not run the scenario yet, if it does not."""
        return self.verdict.unbound

    @property
    def not_applicable(self) -> str | None:
        """Why the behaviour the scenario's BEP row describes no longer exists in this release."""
        return self.verdict.not_applicable


def scenario_specs(feature: Feature, root: Path, verdicts: Verdicts | None = None) -> Iterator[ScenarioSpec]:
    """The feature's runnable scenarios, each with this run's release's verdict (none: expected to pass)."""
    rel = str(Path(feature.filename).resolve().relative_to(root))
    in_features = str(Path(feature.filename).resolve().relative_to(root / "features"))
    for template in feature.scenarios.values():
        base_tags = set(template.tags) | set(feature.tags)
        if template.rule is not None:
            base_tags |= set(template.rule.tags)
        blocks: list[tuple[int | None, int, set[str]]] = []
        if template.templated and template.examples:
            for position, examples in enumerate(template.examples):
                blocks.append((position, examples.line_number or template.line_number, set(examples.tags)))
        else:
            blocks.append((None, template.line_number, set()))
        for index, line, extra in blocks:
            tags = frozenset(base_tags | extra)
            ids = tuple(sorted(t for t in tags if ID_PATTERN.match(t)))
            block = None if index is None or len(blocks) == 1 else index + 1
            verdict = verdicts.for_scenario(in_features, template.name, block, tags) if verdicts else Verdict("")
            yield ScenarioSpec(
                feature_file=rel,
                feature_name=feature.name,
                name=template.name,
                line=line,
                tags=tags,
                description=template.description or "",
                examples_index=index,
                bep_ids=ids,
                verdict=verdict,
            )


def examples_block_of(template: ScenarioTemplate, param_index: int) -> int:
    """Which ``Examples:`` block produced the outline row pytest numbered ``param_index``."""
    seen = 0
    for index, examples in enumerate(template.examples):
        rows = len(list(examples.as_contexts()))
        if param_index < seen + rows:
            return index
        seen += rows
    raise IndexError(f"row {param_index} is beyond the examples of {template.name!r}")


def gherkin_syntax_problem(feature_path: Path, root: Path) -> Problem | None:
    """The first Gherkin syntax error of a feature file, as ``file:line:column: expected ..., got ...``."""
    from pytest_bdd.exceptions import GherkinParseError

    try:
        get_gherkin_document(str(feature_path))
    except GherkinParseError as error:
        rel = feature_path.resolve().relative_to(root)
        cause = str(error.__cause__ or error.message)
        # The parser's own words: "(16:5): expected: #EOF, #StepLine, ..., got 'Thne session ...'"
        match = re.search(r"\((\d+):(\d+)\): (.*)", cause, re.DOTALL)
        if match:
            line, column, what = match.groups()
            what = " ".join(what.split())
        else:
            line, column, what = str(error.line), "1", f"{error.message} near {error.line_content.strip()!r}"
        return Problem(f"{rel}:{line}:{column}", what)
    return None


def duplicate_scenario_names(feature_path: Path, root: Path) -> Iterator[Problem]:
    """pytest-bdd keys scenarios by name, so a repeated name silently hides a scenario."""
    document = get_gherkin_document(str(feature_path))
    seen: dict[str, int] = {}
    rel = feature_path.resolve().relative_to(root)

    def children(nodes: Iterable) -> Iterator:
        for child in nodes:
            if child.rule is not None:
                yield from children(child.rule.children)
            elif child.scenario is not None:
                yield child.scenario

    if document.feature is None:
        yield Problem(str(rel), "no Feature")
        return
    for scenario in children(document.feature.children):
        if scenario.name in seen:
            yield Problem(
                f"{rel}:{scenario.location.line}",
                f"scenario name {scenario.name!r} repeats line {seen[scenario.name]}; names must be unique",
            )
        else:
            seen[scenario.name] = scenario.location.line


def check_specs(specs: list[ScenarioSpec], catalogue: Catalogue) -> list[Problem]:
    problems: list[Problem] = []
    by_id: dict[str, list[ScenarioSpec]] = defaultdict(list)
    for spec in specs:
        problems.extend(_check_one(spec, catalogue))
        if spec.bep_id:
            by_id[spec.bep_id].append(spec)

    for bep_id, group in sorted(by_id.items()):
        if any(s.divergent for s in group) and not any(s.as_implemented and s.applicable for s in group):
            first = next(s for s in group if s.divergent)
            problems.append(
                Problem(
                    first.where,
                    f"{bep_id} fails its BEP expectation in {first.verdict.release} but no @as-implemented companion "
                    "with the same ID pins that release (pins: true in its verdicts)",
                )
            )

    end_to_end = [s for s in specs if s.e2e]
    for spec in end_to_end:
        if spec.divergent and not any(
            other.as_implemented
            and other.applicable
            and other.feature_file == spec.feature_file
            and set(other.bep_ids) & set(spec.bep_ids)
            for other in end_to_end
        ):
            problems.append(
                Problem(
                    spec.where,
                    "an end-to-end scenario expected to fail needs an @as-implemented companion in its feature, sharing a BEP ID, that pins the same release",
                )
            )

    for entry in catalogue:
        if entry.pending and entry.id in by_id:
            problems.append(
                Problem(
                    by_id[entry.id][0].where,
                    f"{entry.id} has scenarios but the catalogue still marks its family pending ({entry.pending})",
                )
            )
        elif not entry.pending and entry.id not in by_id and not _drafting():
            problems.append(
                Problem("support/engine/catalogue/bep-1033.yaml", f"{entry.id} ({entry.title}) has no scenario")
            )
    return problems


def _drafting() -> bool:
    """``BEP_DRAFTING=1`` lets a developer run the features written so far while a family is
    being written; it only silences "has no scenario". ``make test`` and CI never set it."""
    import os

    return os.environ.get("BEP_DRAFTING") == "1"


def _check_one(spec: ScenarioSpec, catalogue: Catalogue) -> Iterator[Problem]:
    where = spec.where
    ids = spec.bep_ids
    if not ids:
        yield Problem(where, f"scenario {spec.name!r} has no BEP ID tag (e.g. @CP-001)")
    elif len(ids) > 1 and not spec.e2e:
        yield Problem(
            where,
            f"scenario {spec.name!r} carries several BEP IDs {', '.join(ids)}; tag one per scenario or Examples block",
        )
    for bep_id in ids:
        if bep_id not in catalogue:
            yield Problem(where, f"@{bep_id} is not an ID of BEP-1033")
    classes = [t for t in CLASSIFICATIONS if t in spec.tags]
    if len(classes) != 1:
        yield Problem(
            where, f"scenario {spec.name!r} needs exactly one of @{', @'.join(CLASSIFICATIONS)} (has {len(classes)})"
        )
    for tag in sorted(spec.tags - KNOWN_TAGS):
        if tag in VERDICT_TAGS:
            yield Problem(where, f"@{tag} is a release's verdict: state it in releases/<release>/verdicts/")
        elif not ID_PATTERN.match(tag):
            yield Problem(where, f"unknown tag @{tag}")


__all__ = [
    "AS_IMPLEMENTED",
    "CLASSIFICATIONS",
    "KNOWN_TAGS",
    "VERDICT_TAGS",
    "Problem",
    "ScenarioSpec",
    "check_specs",
    "duplicate_scenario_names",
    "examples_block_of",
    "gherkin_syntax_problem",
    "scenario_specs",
]

"""What a scenario says about itself (tags, BEP ID, divergence reason), and the rules it must follow.

Everything here works on pytest-bdd's parsed feature files, so the rules hold for every feature file
whether or not a given pytest run selects it. ``support.plugin`` turns the problems found here into
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

from support.catalogue import ID_PATTERN, Catalogue

CLASSIFICATIONS = ("happy-path", "error-case", "edge-case")
DIVERGENCE = "divergence"
AS_IMPLEMENTED = "as-implemented"
ABSENT_IN_CODE = "absent-in-code"
DEFECT = "defect"
UNREACHABLE = "unreachable-input"
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
KNOWN_TAGS = frozenset({*CLASSIFICATIONS, DIVERGENCE, AS_IMPLEMENTED, ABSENT_IN_CODE, DEFECT, UNREACHABLE, *AREA_TAGS})

# A divergence scenario explains, in its description, what the code does instead of the BEP's
# expectation: a paragraph that starts with this marker.
REASON_MARKER = "In 26.3.3:"
# A @defect scenario (a divergence that looks like a bug rather than a design choice) also says
# what can go wrong because of it, in one paragraph that starts with this marker.
RISK_MARKER = "Risk:"
# An @unreachable-input scenario runs the code on an input that 26.3.3's production paths never
# produce (no caller, no timer, no flag); it says why in a paragraph that starts with this marker.
UNREACHABLE_MARKER = "Unreachable in 26.3.3:"


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
        return DIVERGENCE in self.tags

    @property
    def as_implemented(self) -> bool:
        return AS_IMPLEMENTED in self.tags

    @property
    def absent_in_code(self) -> bool:
        return ABSENT_IN_CODE in self.tags

    @property
    def defect(self) -> bool:
        return DEFECT in self.tags

    @property
    def unreachable(self) -> bool:
        return UNREACHABLE in self.tags

    @property
    def divergence_reason(self) -> str | None:
        return divergence_reason(self.description)

    @property
    def unreachable_reason(self) -> str | None:
        return _paragraph(self.description, UNREACHABLE_MARKER)

    @property
    def defect_risk(self) -> str | None:
        return defect_risk(self.description)


def _paragraph(description: str, marker: str) -> str | None:
    paragraphs = re.split(r"\n\s*\n", description.strip())
    for paragraph in paragraphs:
        text = " ".join(line.strip() for line in paragraph.splitlines()).strip()
        if text.startswith(marker) and len(text) > len(marker) + 10:
            return text
    return None


def divergence_reason(description: str) -> str | None:
    """The description paragraph that starts with ``In 26.3.3:``, as one line."""
    return _paragraph(description, REASON_MARKER)


def defect_risk(description: str) -> str | None:
    """The description paragraph that starts with ``Risk:``, as one line."""
    return _paragraph(description, RISK_MARKER)


def scenario_specs(feature: Feature, root: Path) -> Iterator[ScenarioSpec]:
    rel = str(Path(feature.filename).resolve().relative_to(root))
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
            yield ScenarioSpec(
                feature_file=rel,
                feature_name=feature.name,
                name=template.name,
                line=line,
                tags=tags,
                description=template.description or "",
                examples_index=index,
                bep_ids=tuple(sorted(t for t in tags if ID_PATTERN.match(t))),
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
        if any(s.divergent for s in group) and not any(s.as_implemented for s in group):
            first = next(s for s in group if s.divergent)
            problems.append(
                Problem(
                    first.where,
                    f"{bep_id} has a @divergence scenario but no @as-implemented companion with the same ID",
                )
            )

    end_to_end = [s for s in specs if s.e2e]
    for spec in end_to_end:
        if spec.divergent and not any(
            other.as_implemented and other.feature_file == spec.feature_file and set(other.bep_ids) & set(spec.bep_ids)
            for other in end_to_end
        ):
            problems.append(
                Problem(
                    spec.where,
                    "an end-to-end @divergence scenario needs an @as-implemented companion in its feature sharing a BEP ID",
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
            problems.append(Problem("support/catalogue/bep-1033.yaml", f"{entry.id} ({entry.title}) has no scenario"))
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
        if not ID_PATTERN.match(tag):
            yield Problem(where, f"unknown tag @{tag}")
    if spec.divergent and spec.as_implemented:
        yield Problem(where, "a scenario is either @divergence or @as-implemented, not both")
    if spec.divergent and spec.divergence_reason is None:
        yield Problem(
            where,
            f"@divergence scenario {spec.name!r} has no reason: add a description paragraph starting with {REASON_MARKER!r} that says what the code does instead",
        )
    if spec.absent_in_code and not spec.divergent:
        yield Problem(where, "@absent-in-code only qualifies a @divergence scenario")
    if spec.defect and not spec.divergent:
        yield Problem(where, "@defect only qualifies a @divergence scenario")
    if spec.unreachable and spec.unreachable_reason is None:
        yield Problem(
            where,
            f"@{UNREACHABLE} scenario {spec.name!r} has no reason: add a description paragraph starting with {UNREACHABLE_MARKER!r} that says why production never produces its input",
        )
    if spec.defect and spec.defect_risk is None:
        yield Problem(
            where, f"@defect scenario {spec.name!r} has no risk: add a one-line paragraph starting with {RISK_MARKER!r}"
        )


__all__ = [
    "ABSENT_IN_CODE",
    "AS_IMPLEMENTED",
    "CLASSIFICATIONS",
    "DEFECT",
    "DIVERGENCE",
    "KNOWN_TAGS",
    "UNREACHABLE",
    "Problem",
    "ScenarioSpec",
    "check_specs",
    "defect_risk",
    "divergence_reason",
    "duplicate_scenario_names",
    "examples_block_of",
    "gherkin_syntax_problem",
    "scenario_specs",
]

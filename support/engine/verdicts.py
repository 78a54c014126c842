"""Each release's verdicts: where it differs from BEP-1033, kept as data beside its lock.

``releases/<version>/verdicts/*.yaml`` list, by feature file and scenario name, only what is not
"expected to pass" in that release: a BEP expectation that fails there (``expected: fail``, with its
kind, reason and, for a defect, its risk), a scenario whose input that release never produces
(``unreachable``), and the ``@as-implemented`` companions that pin that release's actual behaviour
(``pins: true``). The features state each BEP expectation once, for every release.

Strictness follows the verdicts, per release: a scenario expected to fail that passes fails the run
(a strict expected failure), and a scenario not expected to fail that fails, fails the run.
An ``@as-implemented`` companion that a release does not pin is not applicable there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from support.engine.releases import Release

KINDS = ("divergence", "absent-in-code", "defect")
FIELDS = frozenset({"scenario", "examples", "expected", "kind", "reason", "risk", "unreachable", "pins"})


@dataclass(frozen=True)
class Verdict:
    """What one release does with one scenario (or one Examples block of an outline)."""

    release: str
    expected_fail: bool = False
    kind: str | None = None  # one of KINDS when expected_fail
    reason: str | None = None
    risk: str | None = None
    unreachable: str | None = None
    pins: bool = False
    unbound: str | None = None  # not yet bound to this release's code: why
    not_applicable: str | None = None  # the BEP row's behaviour is gone from this release: what replaced it

    @property
    def absent_in_code(self) -> bool:
        return self.kind == "absent-in-code"

    @property
    def defect(self) -> bool:
        return self.kind == "defect"


@dataclass(frozen=True)
class Entry:
    feature_file: str  # relative to features/
    scenario: str
    examples: int | None  # 1-based Examples block, None for every block
    verdict: Verdict
    where: str  # file:line of the entry, for problems


class Verdicts:
    def __init__(
        self,
        release: str,
        entries: Iterable[Entry],
        unbound: dict[str, str],
        not_applicable: dict[str, str],
        notes: dict[str, str] | None = None,
    ):
        self.release = release
        self.entries = list(entries)
        self.unbound = unbound  # feature file (or folder, ending in /) -> why it is not bound yet
        self.not_applicable = not_applicable  # BEP ID -> what replaced the behaviour its row describes
        self.notes = notes or {}  # feature file -> how this release implements what the feature covers
        self._by_key = {(e.feature_file, e.scenario, e.examples): e for e in self.entries}

    def entry_for(self, feature_file: str, scenario: str, examples: int | None) -> Entry | None:
        return self._by_key.get((feature_file, scenario, examples)) or self._by_key.get((feature_file, scenario, None))

    def for_scenario(self, feature_file: str, scenario: str, examples: int | None, tags: Iterable[str] = ()) -> Verdict:
        tags = set(tags)
        gone = [self.not_applicable[t] for t in sorted(tags) if t in self.not_applicable]
        if gone:
            return Verdict(self.release, not_applicable=gone[0])
        why = self.unbound_reason(feature_file, tags)
        if why:
            return Verdict(self.release, unbound=why)
        entry = self.entry_for(feature_file, scenario, examples)
        return entry.verdict if entry else Verdict(self.release)

    def unbound_reason(self, feature_file: str, tags: set[str]) -> str | None:
        """Keys name a feature file, a folder (ending in /), a tag (starting with @), or a tag in
        one feature file or folder (``file.feature@tag``: a tagged rule of that file). A tag
        written ``!tag`` names the scenarios without it (``scheduler/@!database``: the scenarios
        of that folder not tagged @database)."""

        def tagged(tag: str) -> bool:
            return tag[1:] not in tags if tag.startswith("!") else tag in tags

        def within(place: str) -> bool:
            return feature_file == place or (place.endswith("/") and feature_file.startswith(place))

        for key, why in self.unbound.items():
            place, _, tag = key.partition("@")
            if (not place or within(place)) and (not tag or tagged(tag)):
                return why
        return None


def _entries(release: str, raw: dict, lines: dict[tuple[str, str, int | None], int], where: str) -> Iterator[Entry]:
    for feature_file, items in (raw.get("features") or {}).items():
        for item in items:
            unknown = set(item) - FIELDS
            if unknown:
                raise ValueError(f"{where}: {feature_file}: unknown fields {sorted(unknown)}")
            verdict = Verdict(
                release=release,
                expected_fail=item.get("expected") == "fail",
                kind=item.get("kind"),
                reason=item.get("reason"),
                risk=item.get("risk"),
                unreachable=item.get("unreachable"),
                pins=bool(item.get("pins")),
            )
            key = (feature_file, item["scenario"], item.get("examples"))
            yield Entry(feature_file, item["scenario"], item.get("examples"), verdict, f"{where}:{lines.get(key, 0)}")


def _scenario_lines(text: str) -> dict[tuple[str, str, int | None], int]:
    """Where each entry starts in the file (for problems that point at it)."""
    found: dict[tuple[str, str, int | None], int] = {}
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        if key.value != "features" or not isinstance(value, yaml.MappingNode):
            continue
        for feature, items in value.value:
            for item in items.value if isinstance(items, yaml.SequenceNode) else []:
                fields = {k.value: v.value for k, v in item.value if isinstance(v, yaml.ScalarNode)}
                examples = int(fields["examples"]) if "examples" in fields else None
                found[(feature.value, fields.get("scenario", ""), examples)] = item.start_mark.line + 1
    return found


@cache
def load(release: Release) -> Verdicts:
    """The release's verdicts: every file of ``releases/<version>/verdicts/``, merged."""
    entries: list[Entry] = []
    unbound: dict[str, str] = {}
    not_applicable: dict[str, str] = {}
    notes: dict[str, str] = {}
    for path in sorted(release.verdicts_dir.glob("*.yaml")):
        text = path.read_text()
        raw = yaml.safe_load(text) or {}
        if raw.get("release") != release.version:
            raise ValueError(f"{path}: says release {raw.get('release')!r}, expected {release.version!r}")
        where = str(path.relative_to(release.folder.parent.parent))
        entries.extend(_entries(release.version, raw, _scenario_lines(text), where))
        unbound.update(raw.get("unbound") or {})
        not_applicable.update(raw.get("not_applicable") or {})
        notes.update(raw.get("notes") or {})
    return Verdicts(release.version, entries, unbound, not_applicable, notes)


def check(verdicts: Verdicts, known: dict[tuple[str, str], tuple[int, bool]]) -> Iterator[tuple[str, str]]:
    """Problems with a release's verdicts, as (where, message). ``known`` maps each scenario of the
    features (feature file, name) to its number of Examples blocks and whether it is @as-implemented."""
    features = {feature for feature, _ in known}
    for feature in verdicts.notes:
        if feature not in features:
            yield f"releases/{verdicts.release}/verdicts", f"notes: no feature file {feature!r}"
    seen: dict[tuple[str, str, int | None], str] = {}
    for entry in verdicts.entries:
        key = (entry.feature_file, entry.scenario, entry.examples)
        if key in seen:
            yield entry.where, f"{entry.scenario!r} has a verdict already ({seen[key]})"
        seen[key] = entry.where
    for entry in verdicts.entries:
        v = entry.verdict
        scenario = (entry.feature_file, entry.scenario)
        if scenario not in known:
            yield entry.where, f"{entry.feature_file}: no scenario named {entry.scenario!r}"
            continue
        blocks, companion = known[scenario]
        if entry.examples is not None and not 1 <= entry.examples <= max(blocks, 0):
            yield entry.where, f"{entry.scenario!r} has no Examples block {entry.examples}"
        if v.expected_fail:
            if v.kind not in KINDS:
                yield entry.where, f"{entry.scenario!r}: kind must be one of {', '.join(KINDS)}"
            if not v.reason or len(v.reason) < 10:
                yield (
                    entry.where,
                    f"{entry.scenario!r}: an expected failure says what {verdicts.release} does instead (reason)",
                )
            if v.kind == "defect" and not v.risk:
                yield entry.where, f"{entry.scenario!r}: a defect says what can go wrong because of it (risk)"
            if companion:
                yield entry.where, f"{entry.scenario!r} is an @as-implemented companion: it pins, it does not fail"
        elif v.kind or v.reason or v.risk:
            yield entry.where, f"{entry.scenario!r}: kind, reason and risk qualify an expected failure only"
        if v.pins and not companion:
            yield entry.where, f"{entry.scenario!r} pins {verdicts.release} but is not tagged @as-implemented"
        if v.unreachable is not None and len(v.unreachable) < 10:
            yield entry.where, f"{entry.scenario!r}: say why production never produces its input (unreachable)"


# --------------------------------------------------------------------------------------------
# Tidying: every release's verdicts in the same files and order, so that releases diff cleanly
# --------------------------------------------------------------------------------------------

AREA_HEADER = "# backend.ai-manager {release}: verdicts for features/{area}/ (format: releases/README.md)\n"
RELEASE_HEADER = (
    "# backend.ai-manager {release}: what this release lacks as a whole: BEP IDs whose behaviour it no\n"
    "# longer has (not_applicable) and what its binding does not reach yet (unbound). Format: releases/README.md\n"
)


def _scenario_order(features_dir: Path) -> dict[tuple[str, str], int]:
    """Each scenario's position in its feature file, for ordering entries as the features read."""
    order: dict[tuple[str, str], int] = {}
    for path in sorted(features_dir.rglob("*.feature")):
        rel = str(path.relative_to(features_dir))
        for number, line in enumerate(path.read_text().splitlines()):
            stripped = line.strip()
            for keyword in ("Scenario Outline:", "Scenario:"):
                if stripped.startswith(keyword):
                    order[(rel, stripped[len(keyword) :].strip())] = number
    return order


def tidy(release: Release, features_dir: Path) -> list[Path]:
    """Rewrite the release's verdicts as one file per feature area (features, notes) and one
    release.yaml (not_applicable, unbound), entries in the order of the features."""
    features: dict[str, list[dict]] = {}
    notes: dict[str, str] = {}
    whole: dict[str, dict[str, str]] = {"not_applicable": {}, "unbound": {}}
    old = sorted(release.verdicts_dir.glob("*.yaml"))
    for path in old:
        raw = yaml.safe_load(path.read_text()) or {}
        for feature, items in (raw.get("features") or {}).items():
            features.setdefault(feature, []).extend(items)
        notes.update(raw.get("notes") or {})
        for key, found in whole.items():
            found.update(raw.get(key) or {})
    order = _scenario_order(features_dir)
    areas: dict[str, dict[str, Any]] = {}
    for feature in sorted(features, key=lambda f: (f.split("/")[0], f)):
        items = sorted(
            features[feature], key=lambda i: (order.get((feature, i["scenario"]), 10**6), i.get("examples") or 0)
        )
        areas.setdefault(feature.split("/")[0], {"features": {}, "notes": {}})["features"][feature] = items
    for feature, text in sorted(notes.items()):
        areas.setdefault(feature.split("/")[0], {"features": {}, "notes": {}})["notes"][feature] = text
    written = []
    for path in old:
        path.unlink()
    for area, content in sorted(areas.items()):
        body: dict[str, Any] = {"release": release.version, **{k: v for k, v in content.items() if v}}
        target = release.verdicts_dir / f"{area}.yaml"
        target.write_text(AREA_HEADER.format(release=release.version, area=area) + _dump(body))
        written.append(target)
    if any(whole.values()):
        lacks: dict[str, Any] = {"release": release.version}
        lacks.update({k: dict(sorted(v.items())) for k, v in whole.items() if v})
        target = release.verdicts_dir / "release.yaml"
        target.write_text(RELEASE_HEADER.format(release=release.version) + _dump(lacks))
        written.append(target)
    return written


class _Dumper(yaml.SafeDumper):
    pass


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)


if __name__ == "__main__":  # python -m support.engine.verdicts tidy <version>...
    import sys

    from support.engine.releases import by_version

    if len(sys.argv) < 3 or sys.argv[1] != "tidy":
        print("usage: python -m support.engine.verdicts tidy <version>...", file=sys.stderr)
        sys.exit(2)
    root = Path(__file__).resolve().parents[2]
    for version in sys.argv[2:]:
        for path in tidy(by_version(version), root / "features"):
            print(path.relative_to(root))

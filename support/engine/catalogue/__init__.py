"""The BEP-1033 scenario catalogue (bep-1033.yaml) as typed, read-only data."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("bep-1033.yaml")
ID_PATTERN = re.compile(r"^[A-Z]{2}-\d{3}$")


@dataclass(frozen=True)
class BepScenario:
    """One row of a BEP scenario table."""

    id: str
    title: str
    input: str
    expected: str
    family: str
    section: str
    section_title: str
    subject: str
    link: str
    pending: str | None

    @property
    def story(self) -> str:
        return f"{self.id} — {self.title}"

    @property
    def epic(self) -> str:
        return f"{self.section.split('.')[0]}. {self.section_title}"


@dataclass(frozen=True)
class Catalogue:
    bep_title: str
    source: str
    scenarios: dict[str, BepScenario]

    def __contains__(self, bep_id: str) -> bool:
        return bep_id in self.scenarios

    def __getitem__(self, bep_id: str) -> BepScenario:
        return self.scenarios[bep_id]

    def __iter__(self):
        return iter(self.scenarios.values())


@functools.cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    source = raw["bep"]["source"]
    scenarios: dict[str, BepScenario] = {}
    for section in raw["sections"]:
        for family in section["families"]:
            for row in family["scenarios"]:
                bep_id = row["id"]
                if not ID_PATTERN.match(bep_id) or not bep_id.startswith(family["code"] + "-"):
                    raise ValueError(f"{path.name}: malformed ID {bep_id!r} in family {family['code']}")
                if bep_id in scenarios:
                    raise ValueError(f"{path.name}: ID {bep_id} appears twice")
                scenarios[bep_id] = BepScenario(
                    id=bep_id,
                    title=row["title"],
                    input=row["input"],
                    expected=row["expected"],
                    family=family["code"],
                    section=family["section"],
                    section_title=section["title"],
                    subject=family["subject"],
                    link=f"{source}#{family['anchor']}",
                    pending=family.get("pending"),
                )
    return Catalogue(bep_title=raw["bep"]["title"], source=source, scenarios=scenarios)

"""The BEP's own line-coverage tables, regenerated from this run: "0% then, N% now".

The BEP's figures are data (support/engine/catalogue/bep-1033-coverage.yaml); this run's come from
reports/coverage.json (coverage.py's JSON report of ai.backend.manager.sokovan).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from support.engine.coverage_gate import measured

BEP_TABLES = Path(__file__).parents[1] / "catalogue" / "bep-1033-coverage.yaml"


@dataclass(frozen=True)
class Now:
    stmts: int
    miss: int

    @property
    def cover(self) -> float:
        return 100.0 * (self.stmts - self.miss) / self.stmts if self.stmts else 100.0


@dataclass(frozen=True)
class Row:
    bep_file: str  # the path the BEP printed (relative to ai/backend/manager/sokovan/)
    file_now: str | None  # where it lives in 26.3.3; None when it no longer exists
    then: tuple[str, str, str]  # Stmts, Miss, Cover as the BEP printed them
    now: Now | None
    subtotal: bool = False


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]

    @property
    def files(self) -> list[Row]:
        return [row for row in self.rows if not row.subtotal]

    @property
    def then_cover(self) -> str:
        subtotal = next((row for row in self.rows if row.subtotal), None)
        return subtotal.then[2] if subtotal else ""

    @property
    def now_total(self) -> Now:
        present = [row.now for row in self.files if row.now]
        return Now(sum(n.stmts for n in present), sum(n.miss for n in present))


@functools.cache
def _bep_tables() -> dict:
    return yaml.safe_load(BEP_TABLES.read_text(encoding="utf-8"))


def bep_source() -> str:
    return _bep_tables()["source"]


def tables(coverage_json: Path) -> tuple[list[Table], Now]:
    report = json.loads(Path(coverage_json).read_text(encoding="utf-8"))
    files = measured(report)
    result = []
    for raw in _bep_tables()["tables"]:
        rows = []
        for item in raw["rows"]:
            then = (item["stmts"], item["miss"], item["cover"])
            if "subtotal" in item:
                rows.append(Row(item["subtotal"], None, then, None, subtotal=True))
                continue
            file_now = item.get("file_26_3_3", item["file"])
            summary = files.get(file_now) if file_now else None
            now = Now(summary["num_statements"], summary["missing_lines"]) if summary else None
            rows.append(Row(item["file"], file_now, then, now))
        # The subtotal row is recomputed from this run's files; keep it last, as the BEP does.
        rows.sort(key=lambda row: row.subtotal)
        result.append(Table(raw["title"], rows))
    totals = report["totals"]
    return result, Now(totals["num_statements"], totals["missing_lines"])

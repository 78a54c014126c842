"""Write environment.properties into an Allure results directory (shown on the report's overview).

    python -m support.allure_environment reports/allure-results
"""

from __future__ import annotations

import platform
import sys
from importlib.metadata import version
from pathlib import Path

PACKAGES = ("backend.ai-manager", "pytest", "pytest-bdd", "allure-pytest-bdd")


def main(argv: list[str]) -> int:
    results = Path(argv[0])
    results.mkdir(parents=True, exist_ok=True)
    lines = [f"python={platform.python_version()}", "specification=BEP-1033 Sokovan Handler Test Scenarios"]
    lines += [f"{name}={version(name)}" for name in PACKAGES]
    (results / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

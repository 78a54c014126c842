"""Evidence that an unchanged outcome is the work of the component the scenario names.

"Route r1 stays RUNNING" holds just as well when the handler never ran. So every Then step whose
outcome is that something stays as it was first asks the scenario's world how its last cycle or
handler run dealt with that very subject (``dealt_with``: given to the handler and reported, or
looked for and not selected), and fails when there is no such evidence: the cycle did not run,
selected nothing, or ended with an error no Then step states. The evidence is shown as a step of
the scenario in the Allure report.
"""

from __future__ import annotations

from typing import Any

import allure


def worked_on(world: Any, subject: Any, name: str) -> str:
    explanation = world.dealt_with(subject, name)
    with allure.step(f"Evidence: {explanation}"):
        pass
    return explanation

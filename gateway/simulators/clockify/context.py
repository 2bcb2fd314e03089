"""What the routes share: the current store (replaced on reset), the gate and the knobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.simulators.clockify.auth import Gate
from gateway.simulators.clockify.data import WORKSPACE_ID, Person
from gateway.simulators.clockify.errors import not_found
from gateway.simulators.clockify.payloads import Project
from gateway.simulators.clockify.store import Store
from gateway.simulators.kit import Clock


@dataclass(slots=True)
class Context:
    store: Store
    gate: Gate
    clock: Clock
    report_max_days: int
    rebuild: Callable[[], Store]

    def reset(self) -> None:
        self.store = self.rebuild()
        self.gate.reset()

    def workspace(self, workspace_id: str) -> None:
        # Judgement call: a foreign workspace id is "an unknown id" like any other (400/501).
        if workspace_id != WORKSPACE_ID:
            raise not_found("Workspace", workspace_id)

    def person(self, user_id: str) -> Person:
        person = self.store.person_by_id.get(user_id)
        if person is None:
            raise not_found("User", user_id)
        return person

    def project(self, project_id: str) -> Project:
        project = self.store.project_by_id.get(project_id)
        if project is None:  # unknown, or one of the deleted projects
            raise not_found("Project", project_id)
        return project

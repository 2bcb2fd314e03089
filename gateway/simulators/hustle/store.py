"""The in-memory account: seeded records indexed for O(page) listings, plus agent writes.

Listings keep creation order (the vendor documents no sorting), so a new agent is appended to
the end of every list it belongs to and an update changes the record in place.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from gateway.simulators.hustle.data import generate, iso, new_id
from gateway.simulators.hustle.errors import HustleError
from gateway.simulators.hustle.payloads import Agent, Group, Organization


class Store:
    def __init__(self, seed: int, today: date) -> None:
        seeded = generate(seed, today)
        self.organizations = seeded.organizations
        self.groups = seeded.groups
        self.agents = seeded.agents
        self._emails = dict(seeded.emails)
        # Ids of created agents come from their own stream so a reset replays them too.
        self._rng = random.Random(f"hustle-created-{seed}")
        self.organization_by_id = {org["id"]: org for org in self.organizations}
        self.group_by_id = {group["id"]: group for group in self.groups}
        self.agent_by_id = {agent["id"]: agent for agent in self.agents}
        self.groups_by_org: dict[str, list[Group]] = {org["id"]: [] for org in self.organizations}
        for group in self.groups:
            self.groups_by_org[group["organizationId"]].append(group)
        self.agents_by_group: dict[str, list[Agent]] = {group["id"]: [] for group in self.groups}
        for agent in self.agents:
            self.agents_by_group[agent["groupId"]].append(agent)

    def organization(self, org_id: str) -> Organization:
        if org_id not in self.organization_by_id:
            raise HustleError(404, "Organization not found")
        return self.organization_by_id[org_id]

    def group(self, group_id: str) -> Group:
        if group_id not in self.group_by_id:
            raise HustleError(404, "Group not found")
        return self.group_by_id[group_id]

    def agent(self, agent_id: str) -> Agent:
        if agent_id not in self.agent_by_id:
            raise HustleError(404, "Agent not found")
        return self.agent_by_id[agent_id]

    def create_agent(
        self, name: str, full_name: str, email: str, group_id: str, now: datetime
    ) -> Agent:
        group = self.group(group_id)
        taken = {self._emails[a["id"]] for a in self.agents_by_group[group_id]}
        if email.lower() in taken:
            raise HustleError(
                422, "An agent with this email already exists in the group", "AGENT_EXISTS"
            )
        agent: Agent = {
            "id": new_id(self._rng),
            "type": "agent",
            "name": name,
            "fullName": full_name,
            "organizationId": group["organizationId"],
            "groupId": group_id,
            "createdAt": iso(now),
        }
        self._emails[agent["id"]] = email.lower()
        self.agents.append(agent)
        self.agents_by_group[group_id].append(agent)
        self.agent_by_id[agent["id"]] = agent
        return agent

    def update_agent(self, agent_id: str, name: str, full_name: str) -> Agent:
        agent = self.agent(agent_id)
        agent["name"] = name
        agent["fullName"] = full_name
        return agent

"""The detailed report, served on its own base URL (``reports.api.clockify.me``).

Unlike the regular API: a POST with a JSON filter, one JSON object (``totals`` and
``timeEntries``) instead of a bare array and no ``Last-Page`` header, durations in integer
seconds, and running timers left out (Clockify reports only finished time).

Judgement calls: ``dateRangeStart``/``dateRangeEnd`` select entries by start, both inclusive;
a value without an offset is read in ``timeZone`` or else the caller's time zone (the spec's
rule), one with an offset as written. A range longer than ``report_max_days`` (31, the FREE
plan's limit) is a 400. ``pageSize`` defaults to 50 and may be at most 1000; rows are sorted by
start, newest first unless ``sortOrder`` is ASCENDING.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.clockify import params, responses
from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.errors import bad_request
from gateway.simulators.clockify.payloads import DetailedReport, ReportTotals
from gateway.simulators.clockify.seed_entries import EntryRecord
from gateway.simulators.clockify.store import Store

REPORT_PAGE = (50, 1000)  # default and maximum detailedFilter.pageSize


def reports_router(ctx: Context) -> APIRouter:
    router = APIRouter(dependencies=[Depends(ctx.gate)])

    @router.post("/v1/workspaces/{workspace_id}/reports/detailed")
    async def detailed(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        body = await params.json_object(request)
        zone = body.get("timeZone") or ctx.person(request.state.caller).user["settings"]["timeZone"]
        if body.get("dateRangeStart") is None or body.get("dateRangeEnd") is None:
            raise bad_request("dateRangeStart and dateRangeEnd are required")
        start = params.parse_time(body["dateRangeStart"], "dateRangeStart", str(zone))
        end = params.parse_time(body["dateRangeEnd"], "dateRangeEnd", str(zone))
        if end < start:
            raise bad_request("dateRangeEnd: must not be before dateRangeStart")
        if end - start > timedelta(days=ctx.report_max_days):
            raise bad_request(
                f"Date range can not exceed {ctx.report_max_days} days on the FREE plan"
            )
        number, size, with_totals = _detailed_filter(body.get("detailedFilter"))
        lo, hi = ctx.store.everyone.window(start, end)
        chosen = _Filter.of(body).select(ctx.store, ctx.store.everyone.records[lo:hi])
        if body.get("sortOrder", "DESCENDING") != "ASCENDING":
            chosen.reverse()
        rows = chosen[(number - 1) * size : number * size]
        report = DetailedReport(
            totals=[_totals(ctx.store, chosen)] if with_totals and chosen else [],
            timeEntries=[ctx.store.reported(r).row for r in rows],
        )
        return responses.json(report)

    return router


def _detailed_filter(raw: object) -> tuple[int, int, bool]:
    if not isinstance(raw, dict):
        raise bad_request("detailedFilter: must not be null")
    number, size = raw.get("page", 1), raw.get("pageSize", REPORT_PAGE[0])
    if not isinstance(number, int) or number < 1:
        raise bad_request("detailedFilter.page: must be greater than or equal to 1")
    if not isinstance(size, int) or not 1 <= size <= REPORT_PAGE[1]:
        raise bad_request(f"detailedFilter.pageSize: must be between 1 and {REPORT_PAGE[1]}")
    options = raw.get("options")
    totals = not (isinstance(options, dict) and options.get("totals") == "EXCLUDE")
    return number, size, totals


@dataclass(frozen=True, slots=True)
class _Filter:
    """The body's ``billable``/``users``/``projects``/``clients`` filters, read once a request."""

    billable: bool | None
    users: object
    projects: object
    clients: object

    @classmethod
    def of(cls, body: dict[str, object]) -> _Filter:
        billable = body.get("billable")
        return cls(
            billable if isinstance(billable, bool) else None,
            body.get("users"),
            body.get("projects"),
            body.get("clients"),
        )

    def select(self, store: Store, records: list[EntryRecord]) -> list[EntryRecord]:
        """The finished entries of ``records`` the filters keep (a month's report: ~2,900)."""
        if self.billable is None and self.users is self.projects is self.clients is None:
            return [r for r in records if r.end is not None]
        return [r for r in records if r.end is not None and self._keeps(store, r)]

    def _keeps(self, store: Store, record: EntryRecord) -> bool:
        if self.billable is not None and record.billable != self.billable:
            return False
        project = store.project_by_id.get(record.project_id or "")
        client_id = project["clientId"] if project else ""
        return (
            _passes(self.users, record.user_id)
            and _passes(self.projects, record.project_id or "")
            and _passes(self.clients, client_id)
        )


def _passes(raw: object, value: str) -> bool:
    """``{ids, contains}``: CONTAINS (and CONTAINS_ONLY) keep, DOES_NOT_CONTAIN drops."""
    if not isinstance(raw, dict) or not raw.get("ids"):
        return True
    ids = raw["ids"]
    inside = isinstance(ids, list) and value in ids
    return not inside if raw.get("contains") == "DOES_NOT_CONTAIN" else inside


def _totals(store: Store, records: list[EntryRecord]) -> ReportTotals:
    shares = [store.reported(r) for r in records]
    total = sum(share.seconds for share in shares)
    billable = sum(share.billable_seconds for share in shares)
    earned = sum(share.earned for share in shares)
    return ReportTotals(
        _id="",
        totalTime=total,
        totalBillableTime=billable,
        entriesCount=len(records),
        amounts=[{"type": "EARNED", "value": round(earned / 3600)}],
    )

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

from datetime import timedelta

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.clockify import params, render, responses
from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.errors import bad_request
from gateway.simulators.clockify.payloads import DetailedReport, ReportEntry, ReportTotals
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
        chosen = [r for r in ctx.store.everyone.records[lo:hi] if _wanted(ctx.store, r, body)]
        if body.get("sortOrder", "DESCENDING") != "ASCENDING":
            chosen.reverse()
        rows = chosen[(number - 1) * size : number * size]
        report = DetailedReport(
            totals=[_totals(ctx.store, chosen)] if with_totals and chosen else [],
            timeEntries=[_row(ctx.store, r) for r in rows],
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


def _wanted(store: Store, record: EntryRecord, body: dict[str, object]) -> bool:
    if record.end is None:
        return False
    billable = body.get("billable")
    if isinstance(billable, bool) and record.billable != billable:
        return False
    project = store.project_by_id.get(record.project_id or "")
    client_id = project["clientId"] if project else ""
    return (
        _passes(body.get("users"), record.user_id)
        and _passes(body.get("projects"), record.project_id or "")
        and _passes(body.get("clients"), client_id)
    )


def _passes(raw: object, value: str) -> bool:
    """``{ids, contains}``: CONTAINS (and CONTAINS_ONLY) keep, DOES_NOT_CONTAIN drops."""
    if not isinstance(raw, dict) or not raw.get("ids"):
        return True
    ids = raw["ids"]
    inside = isinstance(ids, list) and value in ids
    return not inside if raw.get("contains") == "DOES_NOT_CONTAIN" else inside


def _totals(store: Store, records: list[EntryRecord]) -> ReportTotals:
    total = billable = earned = 0
    for record in records:
        seconds = record.seconds() or 0
        total += seconds
        if record.billable:
            billable += seconds
            rate = store.payload(record)["hourlyRate"]
            earned += (rate["amount"] if rate else 0) * seconds
    return ReportTotals(
        _id="",
        totalTime=total,
        totalBillableTime=billable,
        entriesCount=len(records),
        amounts=[{"type": "EARNED", "value": round(earned / 3600)}],
    )


def _row(store: Store, record: EntryRecord) -> ReportEntry:
    person = store.person_by_id[record.user_id]
    return render.report_entry(
        record,
        person.user,
        store.project_by_id.get(record.project_id or ""),
        store.task_by_id.get(record.task_id or ""),
        store.catalogue.tags,
    )

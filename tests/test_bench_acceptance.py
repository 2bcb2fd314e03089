"""bench/run's verdict on the performance issue's acceptance: each criterion read off the run's
figures, a wall time judged against the path a plan at the minimum calls can take."""

from __future__ import annotations

from bench import acceptance, stack
from bench.bounds import Bound
from bench.bulk import Figure
from bench.hours import Point
from bench.report import Row
from bench.stack import StackFigure
from bench.throughput import Load


def test_a_dashboard_whose_lists_wait_for_the_entries_is_judged_against_that_path() -> None:
    # The lists naming the entries shown are known only once they are in: 0.15 s at the
    # minimum calls, 0.10 s for a plan that knew the entries before asking.
    rows = [Row("dashboard", "cold", 10, Bound(10, 0.10, "", True, 0.15), 0.165)]
    check = acceptance.cold_wall(rows)
    assert check.met
    assert check.figure.startswith("dashboard 1.10 (1.65 against the 0.10 s")


def test_a_cold_scenario_past_its_bound_fails_and_the_verdict_names_it() -> None:
    rows = [
        Row("dashboard", "cold", 10, Bound(10, 0.10, ""), 0.11),
        Row("month", "cold", 46, Bound(46, 0.45, ""), 0.55),
        Row("month", "warm", 45, Bound(45, 0.40, ""), 0.90),  # warm is not judged
    ]
    check = acceptance.cold_wall(rows)
    assert not check.met
    assert check.figure == "dashboard 1.10; month 1.22"
    verdict = acceptance.render([check], "host")
    assert f"Not met: {check.criterion}." in verdict
    assert any(line.endswith("| **no** |") for line in verdict)


def test_calls_above_the_minimum_in_any_phase_fail() -> None:
    rows = [
        Row("dashboard", "cold", 10, Bound(10, 0.1, ""), 0.1),
        Row("dashboard", "warm", 9, Bound(8, 0.05, ""), 0.1),
        Row("dashboard", "cached", 0, Bound(0, 0.0, ""), 0.0),
    ]
    check = acceptance.calls(rows)
    assert not check.met
    assert check.figure == "dashboard 10/10 cold, 9/8 warm"
    assert acceptance.calls([rows[0], rows[2]]).met


def test_the_hours_above_the_minimum_are_named() -> None:
    def point(at: str, cold: tuple[int, int], above: dict[str, str]) -> Point:
        return Point(0, at, cold, (8, 8), above, [], 0.11, 0.10, None)

    points = [
        point("Thu 16:00", (10, 10), {}),
        point("Sun 07:02", (17, 15), {"hubstaff": "5/3 (activities x3)"}),
    ]
    check = acceptance.hours_calls(points)
    assert not check.met
    assert check.figure == "1 of 2 hours; above it: Sun 07:02 (hubstaff 5/3 (activities x3))"
    assert acceptance.hours_calls(points[:1]).met


def test_an_hour_above_the_minimum_only_warm_says_so() -> None:
    warm_only = Point(0, "Mon 09:00", (9, 9), (9, 8), {}, [], 0.11, 0.10, None)
    check = acceptance.hours_calls([warm_only])
    assert not check.met
    assert check.figure == "0 of 1 hours; above it: Mon 09:00 (warm 9/8)"


def test_an_hour_is_judged_against_its_path_at_the_minimum_calls() -> None:
    def point(seconds: float, named_after: float | None) -> Point:
        return Point(0, "Thu 16:00", (10, 10), (8, 8), {}, [], seconds, 0.10, named_after)

    # 1.10x of the lists-after path (0.15 s), 1.65x of the path knowing the entries first.
    assert acceptance.hours_wall([point(0.165, 0.15)]).met
    assert not acceptance.hours_wall([point(0.165, None)]).met


def test_the_stack_is_read_off_its_row_against_the_page_server_and_needs_a_bounded_p99() -> None:
    def figure(network: str, rate: float, p99: float) -> StackFigure:
        return StackFigure(network, rate, 10.0, p99, 0, 250.0)

    faster_elsewhere = figure("raw aiohttp, no stack -> recorded page, raw ASGI", 9000.0, 5.0)
    runs = [[figure(stack.MEASURED, rate, 30.0), faster_elsewhere] for rate in (1900, 2100, 2200)]
    check = acceptance.stack_rate(runs)
    assert check.met and check.figure == "2100 pages/s, p99 30 ms"
    slow_tail = [[figure(stack.MEASURED, 4000.0, 330.0)]]
    assert not acceptance.stack_rate(slow_tail).met


def test_throughput_is_the_gateways_share_of_the_bare_endpoint_at_concurrency_10() -> None:
    def load(target: str, level: int, rps: float) -> Load:
        return Load(target, level, rps, 1.0, 2.0, 0, 0)

    runs = [
        [load("gateway", 10, 4000.0), load("bare FastAPI", 10, 8000.0), load("gateway", 50, 1.0)]
    ]
    check = acceptance.throughput_share(runs)
    assert check.met and check.figure == "50.0% (4000 against 8000 requests/s)"
    runs[0][0] = load("gateway", 10, 3999.0)
    assert not acceptance.throughput_share(runs).met


def test_bulk_judges_only_the_figures_with_a_bound() -> None:
    figures = [
        Figure("flat, compiled", 4.7, 10.0, "us/entry"),
        Figure("flat, graphql-core", 51.0, None, "us/entry"),
        Figure("peak RSS", 501.0, 500.0, "MB"),
    ]
    checks = acceptance.bulk_figures(figures)
    assert [(c.criterion, c.met) for c in checks] == [
        ("flat, compiled: at most 10 us/entry", True),
        ("peak RSS: at most 500 MB", False),
    ]


def test_the_host_is_compared_with_the_machine_the_criteria_were_set_on() -> None:
    runs = [[Load("bare FastAPI", 10, rps, 1.0, 2.0, 0, 0)] for rps in (2900.0, 3000.0, 3100.0)]
    assert "in this run: 3,000 requests/s, 43% of it" in acceptance.host_speed(runs)

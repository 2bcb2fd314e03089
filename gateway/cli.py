"""The ``hourglass`` command: serve | demo | simulate | check."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.errors import ConfigError, HourglassError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from gateway.simulators.kit import FaultPlan
from gateway.settings import Settings, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ConfigError as exc:
        print(f"hourglass: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hourglass", description="One GraphQL API over every time tracker."
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the configured sources (the demo ones if none)")
    serve.add_argument("--config", help="TOML configuration file (default: $HOURGLASS_CONFIG)")
    _host_port(serve)
    serve.set_defaults(run=_serve)

    demo = sub.add_parser("demo", help="serve every vendor simulated in process, with GraphiQL")
    _host_port(demo)
    demo.add_argument("--seed", type=int, default=42, help="seed of the simulated data")
    _faults_option(demo, "every simulator")
    demo.set_defaults(run=_demo)

    simulate = sub.add_parser("simulate", help="serve one vendor's simulator over HTTP")
    simulate.add_argument("vendor", help="harvest, ...")
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, default=8001)
    simulate.add_argument("--seed", type=int, default=42)
    simulate.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="the vendor's response time: every answer takes at least this long",
    )
    _faults_option(simulate, "the simulator")
    simulate.set_defaults(run=_simulate)

    check = sub.add_parser("check", help="validate the configuration and reach every source")
    check.add_argument("--config", help="TOML configuration file (default: $HOURGLASS_CONFIG)")
    check.set_defaults(run=_check)
    return parser


def _faults_option(parser: argparse.ArgumentParser, target: str) -> None:
    parser.add_argument(
        "--faults",
        metavar="FILE",
        help=f"JSON fault plan loaded into {target} at start (gateway/simulators/kit/faults.py)",
    )


def _fault_plan(path: str | None) -> FaultPlan | None:
    """The fault plan in the JSON file ``path``; a one-line ``ConfigError`` if it is unusable."""
    if path is None:
        return None
    from gateway.simulators.kit import FaultPlanError, parse_plan

    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"--faults {path}: cannot read the file: {exc.strerror}") from None
    try:
        return parse_plan(text)
    except FaultPlanError as exc:
        raise ConfigError(f"--faults {path}: {exc}") from None


def _host_port(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8000)")


def _serve(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if not settings.sources:
        print(
            "hourglass: no sources configured: serving the demo sources (simulated vendors)",
            file=sys.stderr,
        )
        return _run_demo(settings, args, seed=42)
    from gateway.app import create_app

    return _run(create_app(settings), settings, args)


def _demo(args: argparse.Namespace) -> int:
    faults = _fault_plan(args.faults)
    return _run_demo(load_settings(None, environ={}), args, seed=args.seed, faults=faults)


def _run_demo(
    settings: Settings, args: argparse.Namespace, *, seed: int, faults: FaultPlan | None = None
) -> int:
    from gateway.app import create_app
    from gateway.demo import build_demo, demo_vendors

    demo = build_demo(settings, seed=seed, faults=faults)
    app = create_app(demo.settings, transports=demo.transports, mounts=demo.mounts)
    host, port = args.host or settings.host, args.port or settings.port
    print(f"Hourglass demo: {', '.join(demo_vendors())} simulated in process", file=sys.stderr)
    print(f"GraphiQL: http://{host}:{port}/graphql", file=sys.stderr)
    return _run(app, demo.settings, args)


def _run(app: FastAPI, settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from gateway import heap, logs

    logs.configure(settings.log_level, settings.secrets())
    heap.reserve(settings.heap_reserve_mb)
    heap.settle()  # the app is built: what exists now lives as long as the process
    uvicorn.run(
        heap.serving(app),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


def _simulate(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway import simulators
    from gateway.simulators.kit import state_of

    try:
        package = simulators.load(args.vendor)
    except KeyError as exc:
        print(f"hourglass: {exc.args[0]}", file=sys.stderr)
        return 2
    faults = _fault_plan(args.faults)
    app = package.create_app(simulators.SimulatorConfig(seed=args.seed, latency_ms=args.latency_ms))
    if faults is not None:
        state_of(app).faults.load(faults)
    root = f"http://{args.host}:{args.port}"
    print(f"# {args.vendor} simulator on {root} — add this to your Hourglass config:\n")
    print(toml_source(package.demo_source(root)), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def toml_source(entry: Mapping[str, object]) -> str:
    """A ``[[sources]]`` table for ``entry`` (flat values only)."""

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return str(v)
        text = str(v).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'

    return "\n".join(["[[sources]]", *(f"{k} = {value(v)}" for k, v in entry.items())])


def _check(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if not settings.sources:
        print("configuration OK; no sources configured")
        return 0
    return asyncio.run(_check_sources(settings))


async def _check_sources(settings: Settings) -> int:
    from gateway.app import build_gateway
    from gateway.http import deadline_scope

    gateway = build_gateway(settings)
    failures = 0
    try:
        for name, runtime in gateway.sources.items():
            try:
                with deadline_scope(settings.request_deadline):
                    who = await runtime.connector.whoami()
                print(f"ok    {name} ({runtime.config.vendor}): {who}")
            except HourglassError as exc:
                failures += 1
                print(f"FAIL  {name} ({runtime.config.vendor}): {exc.code}: {exc}")
    finally:
        await gateway.aclose()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

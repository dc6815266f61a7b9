"""`anaf-sandbox`: the one command that starts mock ANAF, mock SBS and the demo app (SPEC §1)."""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import requests

from foundation.graphql_client import GraphQLError, GraphQLUnavailable
from foundation.serving import exposure_warning, log_to_stderr, port, stop_requested, wait_for_signal
from sandbox.launcher import Options, Sandbox
from sandbox.summary import render
from sandbox.seeding import SeedingError, seed_running


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anaf-sandbox", description="The ANAF OAuth sandbox.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start all three services, seeded, and write <data-dir>/sandbox.json")
    up.add_argument("--host", default="127.0.0.1",
                    help="address to bind (default 127.0.0.1; 0.0.0.0 opens the sandbox, /__admin/ included, "
                         "to the network)")
    up.add_argument("--anaf-port", type=port, default=8001, help="mock ANAF port, 0 = free port (default 8001)")
    up.add_argument("--sbs-port", type=port, default=8002, help="mock SBS port, 0 = free port (default 8002)")
    up.add_argument("--demo-port", type=port, default=8000, help="demo app port, 0 = free port (default 8000)")
    up.add_argument("--data-dir", type=Path, default=Path(".sandbox"), help="state and manifest (default .sandbox)")
    up.add_argument("--fresh", action="store_true", help="wipe the sandbox's state in the data dir first")
    up.add_argument("--strict-client-auth", action="store_true",
                    help="mock ANAF accepts client credentials only in HTTP Basic")
    seed = commands.add_parser("seed", help="seed services that already run on their own (docker compose) "
                                            "and write <data-dir>/sandbox.json")
    seed.add_argument("--anaf-url", default="http://127.0.0.1:8001")
    seed.add_argument("--sbs-url", default="http://127.0.0.1:8002")
    seed.add_argument("--demo-url", default="http://127.0.0.1:8000")
    seed.add_argument("--data-dir", type=Path, default=Path(".sandbox"))
    seed.add_argument("--account-key", required=True,
                      help="the key mock SBS was started with (SBS_BOOTSTRAP_ACCOUNT_KEY)")
    desktop = commands.add_parser("desktop-demo", help="play a desktop app: authorize through SBS's default callback "
                                                       "and send a sample invoice through SBS")
    desktop.add_argument("--data-dir", type=Path, default=Path(".sandbox"),
                         help="the running sandbox's data dir, with its sandbox.json (default .sandbox)")
    desktop.add_argument("--manifest", type=Path, help="a sandbox.json elsewhere")
    desktop.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the authorization (300)")
    desktop.add_argument("--poll", type=float, default=1.0, help="seconds between two questions to SBS (1)")
    desktop.add_argument("--no-browser", action="store_true", help="only print the authorization URL")
    return parser


def desktop_demo(args: argparse.Namespace) -> int:
    """`anaf-sandbox desktop-demo`: see sandbox/desktop_demo.py."""
    from sandbox import desktop_demo as program

    if args.timeout <= 0 or args.poll <= 0:
        print("anaf-sandbox desktop-demo: --timeout and --poll must be more than 0", file=sys.stderr)
        return 2
    return program.main(args.manifest or args.data_dir, args.data_dir, open_browser=not args.no_browser,
                        timeout=args.timeout, poll=args.poll)


def seed(args: argparse.Namespace) -> int:
    """`anaf-sandbox seed`: the one-shot seeding step of docker-compose.yml."""
    try:
        manifest = seed_running(args.anaf_url.rstrip("/"), args.sbs_url.rstrip("/"), args.demo_url.rstrip("/"),
                                args.data_dir, args.account_key)
    except (SeedingError, GraphQLError, GraphQLUnavailable, requests.RequestException) as exc:
        print(f"anaf-sandbox seed: {exc}", file=sys.stderr)
        return 1
    print(f"seeded: SBS app {manifest['sbs']['appId']}, organization {manifest['sbs']['organizationId']}; "
          f"manifest in {args.data_dir / 'sandbox.json'}", flush=True)
    return 0


def summary(sandbox: Sandbox) -> str:
    """What a person needs to start clicking, without secrets beyond the sandbox's own test keys."""
    return render(sandbox.manifest, sandbox.manifest_path, sandbox.ready_seconds, sandbox.options.host)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "seed":
        return seed(args)
    if args.command == "desktop-demo":
        return desktop_demo(args)
    log_to_stderr()
    warning = exposure_warning(args.host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    options = Options(
        host=args.host, anaf_port=args.anaf_port, sbs_port=args.sbs_port, demo_port=args.demo_port,
        data_dir=args.data_dir, fresh=args.fresh,
        strict_client_auth=args.strict_client_auth,
    )
    # From here a SIGTERM is a clean stop: the summary asks SBS for the app's secrets after sandbox.json is
    # written, and a supervisor that reads the manifest may ask us to stop at any moment.
    stop = stop_requested()
    try:
        sandbox = Sandbox.start(options)
    except OSError as exc:
        print(f"anaf-sandbox: could not start: {exc} (is another sandbox running? try other ports or 0)",
              file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the command must say why it stopped, in one line
        logging.getLogger(__name__).debug("start failed", exc_info=True)
        print(f"anaf-sandbox: could not start: {exc}", file=sys.stderr)
        return 1
    try:
        if not stop.is_set():
            print(summary(sandbox), flush=True)
        wait_for_signal(stop)
    finally:
        print("Stopping...", flush=True)
        sandbox.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

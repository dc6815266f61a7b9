"""`python -m mock_anaf [--host H] [--port P] [--data-dir D] [--strict-https] [--strict-client-auth]`.

Other settings come from `ANAF_*` variables (see ``mock_anaf.config``); flags win over them.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys

from flask import Flask

from mock_anaf import create_app
from mock_anaf.config import Config, ConfigError
from foundation.serving import port, run_standalone


def main() -> None:
    """Read the flags, then serve through the shared runner until Ctrl-C or SIGTERM."""
    try:
        base = Config.from_env()
    except ConfigError as exc:
        sys.exit(f"mock_anaf: {exc}")
    parser = argparse.ArgumentParser(prog="python -m mock_anaf", description="Run mock ANAF alone.")
    parser.add_argument("--host", default=base.host)
    parser.add_argument("--port", type=port, default=base.port, help="0 picks a free port")
    parser.add_argument("--data-dir", default=base.data_dir, help="keep state here (default: in memory)")
    parser.add_argument("--strict-https", action="store_true", default=base.strict_https,
                        help="refuse http://localhost callback URLs too")
    parser.add_argument("--strict-client-auth", action="store_true", default=base.strict_client_auth,
                        help="accept client credentials only with HTTP Basic")
    args = parser.parse_args()
    settings = {"data_dir": args.data_dir, "strict_https": args.strict_https,
                "strict_client_auth": args.strict_client_auth}
    # The shared runner reads --host/--port itself.
    sys.argv = [sys.argv[0], "--host", args.host, "--port", str(args.port)]

    def build(host: str, port: int) -> Flask:
        try:
            return create_app(dataclasses.replace(base, host=host, port=port, **settings))
        except ConfigError as exc:
            sys.exit(f"mock_anaf: {exc}")

    run_standalone("mock_anaf", base.port, build)


if __name__ == "__main__":
    main()

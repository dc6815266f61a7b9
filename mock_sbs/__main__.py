"""`python -m mock_sbs --host H --port P`: run mock SBS alone, configured by `SBS_*` variables."""
from __future__ import annotations

import secrets

from flask import Flask

from foundation.serving import run_standalone

from mock_sbs import create_app
from mock_sbs.config import Config


def build(host: str, port: int) -> Flask:
    """The app for `run_standalone`: config from the environment, with an account key made up if none is set."""
    config = Config.from_env(host=host, port=port)
    if not config.bootstrap_account_key:
        # Without a configured key nobody could use the Account API; make one and show it once on the terminal.
        key = "sbs_acc_" + secrets.token_urlsafe(24)
        config = Config.from_env(host=host, port=port, bootstrap_account_key=key)
        print(f"mock_sbs account access key (set SBS_BOOTSTRAP_ACCOUNT_KEY to choose your own): {key}", flush=True)
    return create_app(config)


if __name__ == "__main__":
    run_standalone("mock_sbs", 8002, build)

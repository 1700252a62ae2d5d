"""`serve`: run the API with uvicorn, one or several worker processes.

uvicorn runs with its proxy-header handling off (the app believes X-Forwarded-For only from
CRM_TRUSTED_PROXIES), without a Server header and without its own access log (ours, P6.1, is in
the database and records no query string).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

UVICORN_EDGE = {"proxy_headers": False, "server_header": False, "access_log": False}
# A worker answers the supervisor's health pings only once its imports are done; on a busy
# two-core machine that takes longer than uvicorn's default 5 s, and it would be killed.
WORKER_HEALTHCHECK_SECONDS = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--demo", action="store_true", default=None, help="seed demo data")
    parser.add_argument("--demo-customers", type=int, default=None, help="demo customers")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")


def _share_metrics(default: Path) -> None:
    """Workers are separate processes: prometheus-client adds their counts up through files
    in PROMETHEUS_MULTIPROC_DIR, emptied at start (stale files would count twice)."""
    directory = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(default)))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from edge.app import create_app
    from edge.logs import configure_logging
    from edge.settings import Settings

    # Flags become the environment every worker reads (they are separate processes).
    for name, value in (
        ("CRM_DATA_DIR", args.data_dir),
        ("CRM_DEMO", "1" if args.demo else None),
        ("CRM_DEMO_CUSTOMERS", args.demo_customers),
    ):
        if value is not None:
            os.environ[name] = str(value)
    settings = Settings.from_env()  # checked here, once, before any worker starts
    configure_logging(fmt=settings.log_format, level=settings.log_level)
    settings.auth_config()  # secrets refused here, with a message, not in a worker
    settings.audit_key()
    if args.workers > 1:
        _share_metrics(settings.data_dir / "metrics")
        uvicorn.run(
            "edge.app:create_app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            log_config=None,
            **UVICORN_EDGE,  # type: ignore[arg-type]
        )
    else:
        uvicorn.run(
            create_app(settings),
            host=args.host,
            port=args.port,
            log_config=None,
            **UVICORN_EDGE,  # type: ignore[arg-type]
        )
    return 0

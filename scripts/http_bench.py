"""Benchmark over HTTP: this server against a bare Strawberry peer on the same data.

    .venv/bin/python scripts/http_bench.py [--db sqlite|postgres|both] [--clients 1 8 32]
        [--rounds 3] [--seconds 15] [--rate 100] [--open-seconds 20] [--port 8501]
        [--work-dir /tmp/crm-http-bench] [--pg-url postgres://postgres@127.0.0.1:5432]
        [--db-prefix crm_bench] [--baseline-root ../other-checkout]

A script, not a test (no timing asserts). For each database it seeds the demo data once
(`server.py --demo` into its own SQLite file, or the PostgreSQL database `--db-prefix`, by
default `crm_bench`), copies it for the peer (`scripts/bare_peer.py`: the same `Customer`
fields, no privacy), starts both with one uvicorn worker each, checks one answer from each, then:

- closed loop: `wrk` (Debian's; installed with apt-get if missing) with 1, 8 and 32
  connections, the two servers interleaved (alternating which goes first) for `--rounds`
  rounds of `--seconds` each: req/s, p50, p99, and server CPU per request from
  /proc/<pid>/stat; medians over the rounds, and the ratios project / peer: the ratio of
  the medians, and the median of each round's own ratio (its two runs back to back, so a
  shared machine's drift cancels). The verdict is on that median's 90 % interval (order
  statistics, no assumption about the noise's shape): `met` when all of it is at or above
  0.85, `MISSED` when all of it is below (or the p99 ratio is above 1.2), `within noise`
  when it holds 0.85 — more rounds narrow it (it takes rounds as independent, which on a
  drifting shared machine they are not quite: an A/A run can land outside it);
- open loop: an asyncio client (plain HTTP/1.1 over streams) sending at a fixed `--rate`
  whatever the answers do,
  latency measured from each request's scheduled start (no coordinated omission): p50, p99.

With `--baseline-root` (another checkout of this project, e.g. main's), that checkout's server
runs too, as `baseline`, on its own copy of the same data and port + 2, interleaved with the
others: a before/after comparison measured under the same load, printed as the median of
each round's project / baseline ratio with its 90 % interval.

The dashboard is BILLING under purpose E reading 20 customers x 6 personal fields. Every
project answer is audited (one request row, 20 entries) durably before it is sent; the script
checks that the audit grew by one request per answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
FIELDS = "name address accountNumber phone fax birthDate"
DASHBOARD = (
    f"query Dashboard @purpose(code: E) {{ customers(first: 20) {{ nodes {{ {FIELDS} }} }} }}"
)
BARE_QUERY = f"query Dashboard {{ customers(first: 20) {{ nodes {{ {FIELDS} }} }} }}"
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    name: str
    url: str
    body: str
    headers: dict[str, str]
    pid: int = 0
    audit_count: object = None  # () -> int, for the project only


@dataclass
class Cell:
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    errors: int = 0

    def record(self, rps: float, p50: float, p99: float, cpu: float, errors: int) -> None:
        self.rps.append(rps)
        self.p50.append(p50)
        self.p99.append(p99)
        self.cpu.append(cpu)
        self.errors += errors


# --- servers -----------------------------------------------------------------------------


def _wait_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 600
) -> None:
    """Until the server answers; a server that exits first, or never answers, ends the run
    with the end of what it logged (its log file is kept)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.post(url, json={"query": "{ __typename }"}, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    raise SystemExit(f"{url} did not start; the end of {log}:\n{tail}")


@contextmanager
def server(args: list[str], env: dict[str, str], url: str, cwd: Path = ROOT) -> Iterator[int]:
    """The server `args` run, its output in a log file of its own (kept if it fails)."""
    with tempfile.NamedTemporaryFile(
        "wb", prefix="http-bench-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(  # noqa: S603 - our own scripts
            [PYTHON, *args], cwd=cwd, env={**os.environ, **env},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(url, process, Path(log.name))
        yield process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    Path(log.name).unlink(missing_ok=True)  # started and stopped: nothing to look at


def _cpu_ticks(pid: int) -> int:
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime, stime


# --- databases ---------------------------------------------------------------------------


@dataclass
class Database:
    kind: str
    project_env: dict[str, str]
    bare_url: str
    audit_count: object
    baseline_env: dict[str, str] = field(default_factory=dict)


async def _pg_admin(pg_url: str, *statements: str) -> None:
    conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://") + "/postgres")
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _pg_exists(pg_url: str, name: str) -> bool:
    conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://") + "/postgres")
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def prepare(kind: str, work: Path, args: argparse.Namespace) -> Database:
    """Seed the demo once (the project's own `--demo`), then copy it for the peer (and the
    baseline)."""
    data, pg_url, name = work / kind, args.pg_url, args.db_prefix
    # Every load comes from one address: the per-address rate limit (edge) would answer 429
    # to most of it, so it is off for the benchmark (the peer has none either).
    env = {"CRM_ENV": "development", "CRM_RATE_LIMIT_PER_MINUTE": "0"}
    if kind == "postgres":
        env["DATABASE_URL"] = f"{pg_url}/{name}"
        if not asyncio.run(_pg_exists(pg_url, name)):
            asyncio.run(_pg_admin(pg_url, f'CREATE DATABASE "{name}"'))
    else:
        env["DATABASE_URL"] = f"sqlite://{data / 'crm.sqlite3'}"
    if not (data / "demo-credentials.json").exists():
        print(f"seeding the demo data ({kind}) ...", flush=True)
        serve = ["server.py", "--demo", "--data-dir", str(data), "--port", str(args.port)]
        with server(serve, env, f"http://127.0.0.1:{args.port}/graphql"):
            pass
    baseline_env = {**env}
    if args.baseline_root:
        shutil.rmtree(work / f"{kind}-baseline", ignore_errors=True)
        shutil.copytree(data, work / f"{kind}-baseline")
        baseline_env["DATABASE_URL"] = f"sqlite://{work / f'{kind}-baseline' / 'crm.sqlite3'}"
    if kind == "postgres":
        copies = [f"{name}_bare", *([f"{name}_base"] if args.baseline_root else [])]
        asyncio.run(
            _pg_admin(
                pg_url,
                *(f'DROP DATABASE IF EXISTS "{copy}"' for copy in copies),
                *(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"' for copy in copies),
            )
        )
        baseline_env["DATABASE_URL"] = f"{pg_url}/{name}_base"
        return Database(
            kind, env, f"{pg_url}/{name}_bare", _pg_audit_count(pg_url, name), baseline_env
        )
    shutil.copyfile(data / "crm.sqlite3", data / "bare.sqlite3")
    return Database(
        kind, env, f"sqlite://{data / 'bare.sqlite3'}", _sqlite_audit_count(data), baseline_env
    )


def _sqlite_audit_count(data: Path):  # type: ignore[no-untyped-def]
    def count() -> int:
        with sqlite3.connect(data / "crm.sqlite3") as conn:
            return int(conn.execute("SELECT count(*) FROM audit_request").fetchone()[0])

    return count


def _pg_audit_count(pg_url: str, name: str):  # type: ignore[no-untyped-def]
    async def fetch() -> int:
        conn = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://") + f"/{name}")
        try:
            return int(await conn.fetchval("SELECT count(*) FROM audit_request"))
        finally:
            await conn.close()

    return lambda: asyncio.run(fetch())


# --- load --------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = {body}
{headers}
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %f %f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: apt-get install -y wrk", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)  # noqa: S607
    return shutil.which("wrk") or "wrk"


def run_wrk(
    wrk: str, target: Target, clients: int, seconds: int, lua: Path
) -> tuple[float, float, float, float, int, int]:
    headers = "\n".join(f'wrk.headers["{k}"] = {json.dumps(v)}' for k, v in target.headers.items())
    lua.write_text(WRK_SCRIPT.format(body=json.dumps(target.body), headers=headers))
    before = _cpu_ticks(target.pid)
    out = subprocess.run(  # noqa: S603
        [wrk, "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(lua),
         target.url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    cpu_ms = (_cpu_ticks(target.pid) - before) * 1000 / CLK_TCK
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration_us, p50_us, p99_us, errors = line.split()[1:]
    n = int(requests)
    return (
        n / (int(duration_us) / 1e6),
        float(p50_us) / 1000,
        float(p99_us) / 1000,
        cpu_ms / max(n, 1),
        int(errors),
        n,
    )


async def open_loop(
    target: Target, rate: float, seconds: float
) -> tuple[float, float, dict[str, int]]:
    """Requests at a fixed rate whatever the answers do; latency from the scheduled start.

    Plain HTTP/1.1 keep-alive over asyncio streams (httpx costs more CPU than the servers
    under test on a small machine): a request takes an idle connection or opens one."""
    url = urlsplit(target.url)
    body = target.body.encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in target.headers.items())
    request = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n{head}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    failures: dict[str, int] = {}  # by status or exception

    async def exchange(reused: bool) -> int:
        reader, writer = (
            idle.pop() if reused else await asyncio.open_connection(url.hostname, url.port)
        )
        writer.write(request)
        status = await _read_response(reader)
        idle.append((reader, writer))
        return status

    async def one(scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        try:
            try:
                status = await exchange(reused=bool(idle))
            except (ConnectionResetError, asyncio.IncompleteReadError):
                # A kept-alive connection the server closed meanwhile (its idle timeout):
                # sent again on a new one, the delay counted from the scheduled start.
                status = await exchange(reused=False)
            if status != 200:
                failures[str(status)] = failures.get(str(status), 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError) as failed:
            failures[type(failed).__name__] = failures.get(type(failed).__name__, 0) + 1
        latencies.append((time.perf_counter() - scheduled) * 1000)

    start = time.perf_counter() + 0.2
    await asyncio.gather(*(one(start + i / rate) for i in range(int(rate * seconds))))
    for _, writer in idle:
        writer.close()
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))], failures


async def _read_response(reader: asyncio.StreamReader) -> int:
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    await reader.readexactly(length)
    return status


# --- the run -----------------------------------------------------------------------------


def check_answers(project: Target, bare: Target) -> None:
    answer = httpx.post(project.url, content=project.body, headers=project.headers).json()
    assert not answer.get("errors"), answer.get("errors")
    assert len(answer["data"]["customers"]["nodes"]) == 20, "the project answered no dashboard"
    assert answer["extensions"]["privacy"]["auditRef"], "no receipt: audit not written"
    peer = httpx.post(bare.url, content=bare.body, headers=bare.headers).json()
    assert len(peer["data"]["customers"]["nodes"]) == 20, "the peer answered no dashboard"


def measure(args: argparse.Namespace, kind: str, work: Path) -> None:
    db = prepare(kind, work, args)
    token = json.loads((work / kind / "demo-credentials.json").read_text())["BILLING"]["token"]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    project = Target(
        "project", f"http://127.0.0.1:{args.port}/graphql", json.dumps({"query": DASHBOARD}),
        headers,
    )  # fmt: skip
    bare = Target(
        "bare", f"http://127.0.0.1:{args.port + 1}/graphql", json.dumps({"query": BARE_QUERY}),
        headers,
    )  # fmt: skip
    wrk = ensure_wrk()
    serve = ["server.py", "--data-dir", str(work / kind), "--port", str(args.port)]
    peer = ["scripts/bare_peer.py", "--database-url", db.bare_url, "--port", str(args.port + 1)]
    with contextlib.ExitStack() as stack:
        project.pid = stack.enter_context(server(serve, db.project_env, project.url))
        bare.pid = stack.enter_context(server(peer, {}, bare.url))
        targets = [project, bare]
        if args.baseline_root:
            baseline = Target(
                "baseline", f"http://127.0.0.1:{args.port + 2}/graphql", project.body, headers
            )
            base_serve = [
                "server.py", "--data-dir", str(work / f"{kind}-baseline"),
                "--port", str(args.port + 2),
            ]  # fmt: skip
            baseline.pid = stack.enter_context(
                server(base_serve, db.baseline_env, baseline.url, Path(args.baseline_root))
            )
            targets.insert(1, baseline)
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        check_answers(project, bare)
        cells, audited, answered = closed_loop(args, wrk, targets, db, Path(tmp) / "w.lua")
        opened = {  # --open-seconds 0: the closed loop only
            t.name: asyncio.run(open_loop(t, args.rate, args.open_seconds))
            for t in targets
            if args.open_seconds > 0
        }
    report(kind, args, cells, opened, audited, answered)


def closed_loop(
    args: argparse.Namespace, wrk: str, targets: list[Target], db: Database, lua: Path
) -> tuple[dict[tuple[str, int], Cell], int, int]:
    """Every target at every client count, the order rotated each time (who goes first)."""
    cells = {(t.name, c): Cell() for t in targets for c in args.clients}
    for target in targets:  # warm-up
        run_wrk(wrk, target, 8, 3, lua)
    audited = answered = 0
    for n in range(args.rounds):
        for clients in args.clients:
            shift = (n + clients) % len(targets)
            for target in targets[shift:] + targets[:shift]:
                project = target.name == "project"
                before = db.audit_count() if project else 0  # type: ignore[operator]
                rps, p50, p99, cpu, errors, count = run_wrk(wrk, target, clients, args.seconds, lua)
                if project:
                    audited += db.audit_count() - before  # type: ignore[operator]
                    answered += count
                cells[(target.name, clients)].record(rps, p50, p99, cpu, errors)
                print(
                    f"  round {n + 1} {target.name:<8} c={clients:<3} {rps:7.1f} req/s "
                    f"p50 {p50:6.1f} p99 {p99:6.1f} ms cpu {cpu:5.2f} ms/req",
                    flush=True,
                )
    return cells, audited, answered


def report(
    kind: str,
    args: argparse.Namespace,
    cells: dict[tuple[str, int], Cell],
    opened: dict[str, tuple[float, float, dict[str, int]]],
    audited: int,
    answered: int,
) -> None:
    med = statistics.median
    print(f"\n{kind}: dashboard (BILLING/E, 20 customers x 6 personal fields), one worker each,"
          f" wrk, median of {args.rounds} x {args.seconds} s")  # fmt: skip
    print(
        f"{'':<8} {'clients':>7} {'req/s':>15} {'ratio':>6} {'paired':>6} {'p50 ms':>13} "
        f"{'p99 ms':>15} "
        f"{'p99 ratio':>9} {'cpu ms/req':>13} {'errors':>7}"
    )
    print(f"{'':<8} {'':>7} {'this / bare':>15} {'':>6} {'':>6} {'this / bare':>13} "
          f"{'this / bare':>15}")  # fmt: skip
    for name in [t for t in ("project", "baseline") if (t, args.clients[0]) in cells]:
        for c in args.clients:
            p, b = cells[(name, c)], cells[("bare", c)]
            ratio, p99_ratio = med(p.rps) / med(b.rps), med(p.p99) / med(b.p99)
            # Each round's two runs follow each other: their ratio cancels the machine's drift
            # (a shared host's speed moves by tens of percent over minutes), the ratio of the
            # two medians does not. The verdict is on the paired ratios' median (its interval).
            paired = [x / y for x, y in zip(p.rps, b.rps, strict=True)]
            errors = p.errors + b.errors
            interval = median_interval(paired)
            verdict = judged(med(paired), interval, p99_ratio)
            print(f"{name:<8} {c:>7} {med(p.rps):7.0f} / {med(b.rps):<5.0f} {ratio:6.2f} "
                  f"{med(paired):6.2f} "
                  f"{med(p.p50):5.1f} / {med(b.p50):<5.1f} {med(p.p99):6.1f} / {med(b.p99):<6.1f} "
                  f"{p99_ratio:9.2f} {med(p.cpu):5.2f} / {med(b.cpu):<5.2f} {errors:>7}"
                  f"   {verdict}")  # fmt: skip
            if args.rounds > 1:
                print(f"{'':<8} {'':>7} min-max {_spread(p.rps)} / {_spread(b.rps)} req/s, "
                      f"paired ratios {min(paired):.2f}-{max(paired):.2f} "
                      f"({_interval(interval)}), "
                      f"p99 {_spread(p.p99)} / {_spread(b.p99)} ms")  # fmt: skip
            if name == "baseline":
                against = [x / y for x, y in zip(
                    cells[("project", c)].rps, p.rps, strict=True)]  # fmt: skip
                print(f"{'':<8} {'':>7} project / baseline, paired: {med(against):.3f} "
                      f"({_interval(median_interval(against), 3)})")  # fmt: skip
    for name, (p50, p99, failures) in opened.items():
        verdict = f"   (target p99 < 50 ms: {'met' if p99 < 50 else 'MISSED'})"
        print(
            f"open loop {args.rate:.0f} req/s x {args.open_seconds} s, {name:<8}: "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, failures {sum(failures.values())}"
            + (f" {failures}" if failures else "")
            + (verdict if name != "bare" else "")
        )
    print(
        f"audit: {audited} request rows written for {answered} answers counted by wrk "
        "(>=: wrk does not count answers in flight at the end)"
    )


def _spread(values: list[float]) -> str:
    return f"{min(values):.0f}-{max(values):.0f}"


TARGET = 0.85  # the issue's: req/s at least 0.85 of the peer's
COVERAGE = 0.9


def median_interval(values: list[float], coverage: float = COVERAGE) -> tuple[float, float] | None:
    """An interval holding the median of what `values` sample with at least `coverage`,
    whatever the noise's distribution: the k-th smallest and k-th largest value, k the largest
    for which the median falls outside with probability at most 1 - coverage (twice the
    chance of fewer than k of n values below it, binomial with p = 1/2). None when even the
    smallest and largest cover too little (fewer than 5 values at 90 %)."""
    n, ordered = len(values), sorted(values)
    chosen = None
    for k in range(1, n // 2 + 1):
        outside = 2 * sum(math.comb(n, i) for i in range(k)) / (1 << n)
        if 1 - outside < coverage:
            break
        chosen = k
    return None if chosen is None else (ordered[chosen - 1], ordered[n - chosen])


def judged(paired: float, interval: tuple[float, float] | None, p99_ratio: float) -> str:
    """`met`, `MISSED`, or `within noise` when the paired ratio's interval holds TARGET
    (with too few rounds for an interval, the median alone decides)."""
    if p99_ratio > 1.2:
        return "MISSED"
    low, high = interval if interval is not None else (paired, paired)
    if low >= TARGET:
        return "met"
    if high < TARGET:
        return "MISSED"
    return "within noise"


def _interval(interval: tuple[float, float] | None, digits: int = 2) -> str:
    if interval is None:
        return "too few rounds for a 90 % interval"
    return f"90 % interval {interval[0]:.{digits}f}-{interval[1]:.{digits}f}"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="HTTP benchmark (see docstring).")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--open-seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8501, help="the peer uses port + 1")
    parser.add_argument("--work-dir", default=str(Path(tempfile.gettempdir()) / "crm-http-bench"))
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--db-prefix", default="crm_bench", help="PostgreSQL: the seeded database's name; "
        "copies get _bare and _base appended",
    )  # fmt: skip
    parser.add_argument(
        "--baseline-root", help="another checkout of this project, run as `baseline` too"
    )
    return parser.parse_args()


def main() -> None:
    args = _args()
    work = Path(args.work_dir)
    for kind in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        measure(args, kind, work)


if __name__ == "__main__":
    main()

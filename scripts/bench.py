"""Benchmark of the privacy enforcement point: a script, not a test (no timing asserts).

    .venv/bin/python scripts/bench.py [--customers N] [--rounds N] [--audit-rows N]
                                      [--profile RUNS]

One process, three SQLite files in a temp dir, each migrated and seeded alike
(`seed(customers=N)`), a BILLING caller declaring purpose E; one query selecting the ten personal
fields of N customers, run through `schema.execute`. Database "0" has its audit emptied after
each run (audit tables, tree, checkpoints, journal, and the WAL checkpointed: all untimed), so it
always writes into an empty log; database "1M" is first filled with `--audit-rows` audit entries
(default 1,000,000, SQL-generated, in 50,000 requests), all of them sequenced into the Merkle
tree (untimed), and then grows with every run, as in production. Config c has a database of its
own, emptied like "0": its ten times larger audit writes, and their removal, would otherwise
churn the page cache and WAL of database "0" between a0 and b0 runs (with c there, a0 and b0 ran
~12% slower than a1M and b1M, both of them, though b writes nothing). Configurations, all
interleaved in one loop (rotating order):

a. enforced + audited + tree: `build_schema()`: guard, object-level enforcement, one audit row
   per subject written durably by the default TortoiseAuditStore; then, inside the timed span,
   one run of the audit log's sequencer (tlog.sequencer: the request numbered into the Merkle
   tree, its subtrees stored, a checkpoint signed, journal and checkpoint file written) and
   one catch-up of the entries' keys by subject (models/by_subject.py: SQLite's copy), so
   each request pays for its own tree maintenance and copy (a server batches both: this is
   the worst case). Run on both databases (a0, a1M). After the rounds, a's tree is also
   measured at a server's cadence (edge.sequencer: one run every CRM_AUDIT_SEQUENCE_SECONDS,
   2 s by default): as many requests as 2 s hold at a's pace, then one timed run numbering
   them all and one catch-up copying them all (the copier runs every second, so this charges
   it less often than a server does, and each of its runs more rows); each request is charged
   its share of that run (the ratio the target is judged on).
b. off: `build_schema(enforce=False)`: no guard, no masking, no audit, no tree. Both databases.
c. per-field, the idiomatic Strawberry design, built here only: a's types, config and schema
   extensions (PrivacyGuard admits the purpose and flushes the audit buffer through the same
   TortoiseAuditStore, one batched insert), but each @personal StrawberryField gets a
   `FieldExtension` that decides (`explain`, `mask_for`), masks (`apply_mask`) and buffers ONE
   AUDIT ROW PER FIELD. Same data and receipt as a; only where the policy acts differs. The
   extension is appended to the shared StrawberryFields after a and b are built (Strawberry
   fixes `is_basic_field` and the extension chain at build time, so a and b keep the fast
   path), and c is built last.

   (Database "c", emptied after each run like "0", with its tree as a.)

Warm-up, then interleaved rounds in rotating order; medians, a/b at 0 and at 1M audit records
(target <= 1.15), a1M/a0 (the per-request cost flat from 0 to 1M records: target ~1.0), c/a
(target >= 1.5), on wall time, with the process CPU time (all threads) alongside: steadier on a
shared machine. At the server's cadence also the median of each round's own a/b (paired: a
round's runs follow each other, so a shared machine's drift cancels): the target's verdict.
Checked: same nodes in a, b, c; same data, receipt and per-field decisions in
a and c; audit rows grow by N (a), 0 (b), 10 N (c) per run, and the tree by one leaf per a or c
run. `--profile RUNS` prints a cProfile of a's `schema.execute`, restricted to our code.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import pstats
import re
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from cProfile import Profile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import FieldExtension
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from tortoise.connection import get_connection
from tortoise.context import TortoiseContext

from demo import seed
from directives.audit import Withheld
from directives.checkpoint import SigningKey
from directives.context import Caller
from directives.guard import PrivacyGuard
from directives.index import PersonalField
from directives.masks import apply_mask
from directives.policy import explain, mask_for
from directives.privacy_schema import PrivacySchema
from directives.scope import Subject, relation, withdrawn_of
from directives.vocabulary import Decision, Role
from edge.environment import AUDIT_SEQUENCE_SECONDS
from models import Account, AuditCheckpoint, AuditEntry, AuditLeaf, AuditRequest, SubjectEntry
from models.by_subject import catch_up
from models.db import apply_migrations, tortoise_config
from resolvers.app_schema import MUTATIONS, QUERIES, build_schema
from resolvers.context import build_context
from schema.context import Context
from schema.page import MAX_PAGE_SIZE
from tlog.files import LogFiles
from tlog.sequencer import Sequencer

ROOT = Path(__file__).resolve().parents[1]
FIELDS = "id name nameKana birthDate postalCode address phone fax email accountNumber accountHolder"
QUERY = "query Q @purpose(code: E) {{ customers(first: {first}) {{ nodes {{ {fields} }} }} }}"
PERSONAL_SELECTED = 10
WARMUP = 3
SEQUENCE_SECONDS = AUDIT_SEQUENCE_SECONDS  # a server's sequencer interval, by default
Run = tuple[ExecutionResult, Context]


class PerFieldPolicy(FieldExtension):
    """Config c: decide, mask and audit one personal field of one object."""

    def __init__(self, personal: PersonalField) -> None:
        self.personal = personal

    def resolve(
        self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any
    ) -> Any:
        value = next_(source, info, **kwargs)
        context: Context = info.context
        subject: Subject = source.privacy_subject()
        personal, role = self.personal, context.caller.role if context.caller else None
        if role is None:
            decision, reason = Decision.DENIED, "UNAUTHENTICATED"
        else:
            decision, why = explain(
                role=role,
                purpose=context.purpose,
                category=personal.category,
                relation=relation(context.caller, subject),
                field_purposes=personal.purposes,
                consent_withdrawn=withdrawn_of(subject),
            )
            reason = why.value
        audit = context.audit
        code = f"{personal.name}:{decision.value}"
        audit.entries.append((subject.kind.value, subject.id, personal.type_name, code))
        audit.field_count += 1
        if decision is Decision.CLEAR:
            return value
        strategy = mask_for(role, personal.category) if role else personal.mask
        mask = strategy.value if decision is Decision.MASKED else None
        audit.withheld[Withheld(_pattern(info.path), decision.value, reason, mask)] += 1
        return apply_mask(strategy, value) if mask else None


def _pattern(path: Any) -> str:
    keys: list[str] = []
    while path is not None:
        keys.append("*" if isinstance(path.key, int) else str(path.key))
        path = path.prev
    return ".".join(reversed(keys))


def build_per_field_schema(enforced: PrivacySchema) -> PrivacySchema:
    """Config c: a's types, config and extensions, plus a FieldExtension per personal field."""
    for personal in enforced.personal_index.all_fields():
        type_ = enforced._schema.type_map[personal.type_name]
        assert isinstance(type_, GraphQLObjectType)
        definition = type_.fields[personal.name].extensions["strawberry-definition"]
        definition.extensions = [*definition.extensions, PerFieldPolicy(personal)]
    assert PrivacyGuard in enforced.extensions  # purpose admission and audit flush, as in a
    return PrivacySchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        enforce=False,
        config=enforced.config,
        extensions=enforced.extensions,
    )


@dataclass
class Database:
    """One SQLite database with its own Tortoise context, audit log sequencer and files."""

    name: str
    context: TortoiseContext
    sequencer: Sequencer
    keep_audit: bool  # False: the audit (and its tree) is emptied after each run

    async def reset(self) -> None:
        """Empty the audit, its tree, checkpoints and files (untimed), so no run pays for
        another run's writes."""
        if self.keep_audit:
            return
        conn = get_connection("default")
        # The audit tables are append-only (migration 0010): their triggers are dropped here,
        # in this throwaway database only, so that each run starts from an empty audit.
        triggers = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'audit%'"
        )
        for row in triggers:
            await conn.execute_script(f'DROP TRIGGER "{row["name"]}"')
        for model in (AuditCheckpoint, AuditLeaf, SubjectEntry, AuditEntry, AuditRequest):
            await model.all().delete()
        await conn.execute_script("UPDATE audit_entry_by_subject_mark SET last = 0")
        files = self.sequencer.files
        for path in (files.checkpoint_path, files.journal_path):
            path.unlink(missing_ok=True)
        self.sequencer.swept_at = None  # the next run looks at the whole (empty) table
        await conn.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")


@dataclass
class Config:
    key: str
    label: str
    schema: PrivacySchema
    db: Database
    rows_per_run: int
    tree: bool  # the sequencer runs inside the timed span
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    tree_times: list[float] = field(default_factory=list)
    tree_cpu: list[float] = field(default_factory=list)


@dataclass
class Bench:
    caller: Caller
    query: str
    nodes: int

    async def run(
        self,
        config: Config,
        *,
        record: bool,
        keep: bool = False,
        prof: Profile | None = None,
        tree: bool | None = None,
    ) -> Run:
        with config.db.context:
            tree = config.tree if tree is None else tree
            return await self._run(config, record=record, keep=keep, prof=prof, tree=tree)

    async def _run(
        self, config: Config, *, record: bool, keep: bool, prof: Profile | None, tree: bool
    ) -> Run:
        context = build_context(caller=self.caller, client_address="203.0.113.7")
        before = await AuditEntry.all().count()
        leaves = await AuditLeaf.all().count()
        gc.collect()
        tree_ms = tree_cpu = 0.0
        with prof or nullcontext():
            start, cpu = time.perf_counter(), time.process_time()  # CPU: all threads
            result = await config.schema.execute(self.query, context_value=context)
            if tree:
                tree_start, tree_cpu = time.perf_counter(), time.process_time()
                await config.db.sequencer.run()
                await catch_up()
                tree_ms = (time.perf_counter() - tree_start) * 1000
                tree_cpu = (time.process_time() - tree_cpu) * 1000
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert not result.errors, result.errors
        written = await AuditEntry.all().count() - before
        assert written == config.rows_per_run, f"{config.key}: {written} audit rows written"
        sequenced = await AuditLeaf.all().count() - leaves
        assert sequenced == (1 if tree else 0), f"{config.key}: {sequenced} leaves added"
        if record:
            config.times.append(elapsed * 1000)
            config.cpu.append(cpu * 1000)
            config.tree_times.append(tree_ms)
            config.tree_cpu.append(tree_cpu)
        if not keep:
            await config.db.reset()
        return result, context


async def _decisions(request_id: str) -> Counter[tuple[int, str, str]]:
    rows = await AuditEntry.filter(request__request_id=request_id).values_list(
        "subject_id", "fields_decisions"
    )
    return Counter(
        (subject_id, *code.split(":")) for subject_id, codes in rows for code in codes.split(",")
    )


async def check_equivalent(bench: Bench, runs: dict[str, Run], configs: dict[str, Config]) -> str:
    (ra, ca), (rb, _), (rc, cc) = runs["a0"], runs["b0"], runs["c"]
    ids = [[n["id"] for n in (r.data or {})["customers"]["nodes"]] for r in (ra, rb, rc)]
    assert len(ids[0]) == bench.nodes and ids[0] == ids[1] == ids[2], "different nodes"
    assert ra.data == rc.data, "a and c return different values"
    assert ra.data != rb.data, "a masked nothing: the comparison would be empty"
    receipts = [dict((r.extensions or {})["privacy"], auditRef=None) for r in (ra, rc)]
    assert receipts[0] == receipts[1], "a and c give different receipts"
    with configs["a0"].db.context:
        da = await _decisions(ca.request_id)
    with configs["c"].db.context:
        dc = await _decisions(cc.request_id)
    assert da == dc and da.total() == bench.nodes * PERSONAL_SELECTED, "different decisions"
    per_decision = Counter(str(key[2]) for key in da.elements())
    return ", ".join(f"{d} {n}" for d, n in sorted(per_decision.items()))


async def measure(bench: Bench, configs: list[Config], rounds: int) -> str:
    runs = {c.key: await bench.run(c, record=False, keep=True) for c in configs}
    decisions = await check_equivalent(bench, runs, {c.key: c for c in configs})
    for db in {id(c.db): c.db for c in configs}.values():
        with db.context:
            await db.reset()
    count = len(configs)
    for n in range(WARMUP - 1 + rounds):  # the rest of the warm-up, then the measured rounds
        for config in configs[n % count :] + configs[: n % count]:
            await bench.run(config, record=n >= WARMUP - 1)
    return decisions


@dataclass(frozen=True)
class Cadence:
    """One sequencer run over the requests a server's interval holds at a's pace."""

    batch: int  # requests sequenced by the run
    run_ms: float
    run_cpu: float

    @property
    def share(self) -> tuple[float, float]:
        """Per request: wall ms, CPU ms."""
        return self.run_ms / self.batch, self.run_cpu / self.batch


async def server_cadence(bench: Bench, config: Config, interval: float) -> Cadence:
    """As a server does it (edge.sequencer: a run every `interval` seconds): as many requests
    as `interval` holds at a's measured pace, untimed and without the tree, then one timed
    sequencer run numbering all of them; each request's share is that run over their number."""
    per_request = (statistics.median(config.times) - statistics.median(config.tree_times)) / 1000
    batch = max(1, round(interval / per_request))
    for _ in range(batch):
        await bench.run(config, record=False, keep=True, tree=False)
    with config.db.context:
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        added = await config.db.sequencer.run()
        await catch_up()
        run_ms, run_cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        assert added == batch, f"{config.key}: {added} of {batch} requests sequenced"
        await config.db.reset()
    return Cadence(batch, run_ms, run_cpu)


def report(
    bench: Bench,
    configs: list[Config],
    rounds: int,
    decisions: str,
    audit_rows: int,
    cadence: dict[str, Cadence],
) -> None:
    by = {c.key: c for c in configs}
    wall = {c.key: statistics.median(c.times) for c in configs}
    cpu = {c.key: statistics.median(c.cpu) for c in configs}
    print(
        f"{bench.nodes} customers x {PERSONAL_SELECTED} personal fields, BILLING / purpose E, "
        f"median of {rounds} interleaved rounds after {WARMUP} warm-ups; database 0: audit "
        f"emptied after each run; database 1M: {audit_rows:,} audit entries, growing"
    )
    head = f"{'median ms':>11}{'min ms':>9}{'max ms':>9}{'cpu ms':>9}{'tree ms':>9}{'rows':>7}"
    print(f"{'config':<40}{head}")
    for c in configs:
        tree = f"{statistics.median(c.tree_times):>9.1f}" if c.tree else f"{'-':>9}"
        print(
            f"{c.label:<40}{wall[c.key]:>11.1f}{min(c.times):>9.1f}{max(c.times):>9.1f}"
            f"{cpu[c.key]:>9.1f}{tree}{c.rows_per_run:>7}"
        )
    print(f"checked: same {bench.nodes} nodes in a, b, c; a == c in data, receipt, decisions")
    print(f"decisions per field (a == c): {decisions}")
    for size, a, b in (("0", "a0", "b0"), ("1M", "a1M", "b1M")):
        ratio = wall[a] / wall[b]
        print(
            f"{a}/{b} = {ratio:.3f}  enforced + audited + tree / off, {size} audit records "
            f"(target <= 1.15: {'met' if ratio <= 1.15 else 'MISSED'}; CPU time "
            f"{cpu[a] / cpu[b]:.3f})"
        )
    flat, flat_cpu = wall["a1M"] / wall["a0"], cpu["a1M"] / cpu["a0"]
    med = statistics.median
    tree_of = {k: (med(by[k].tree_times), med(by[k].tree_cpu)) for k in ("a0", "a1M")}
    print(
        f"per request: a {wall['a0']:.1f} ms at 0, {wall['a1M']:.1f} ms at {audit_rows:,} "
        f"records: a1M/a0 = {flat:.3f} wall, {flat_cpu:.3f} CPU (flat if ~1); of which the "
        f"tree {tree_of['a0'][0]:.1f} / {tree_of['a1M'][0]:.1f} ms wall, "
        f"{tree_of['a0'][1]:.1f} / {tree_of['a1M'][1]:.1f} ms CPU"
    )
    for size, a, b in (("0", "a0", "b0"), ("1M", "a1M", "b1M")):
        # A server runs the sequencer in the background, batching many requests per run:
        # the request itself waits for everything but the tree.
        ratio = (wall[a] - tree_of[a][0]) / wall[b]
        ratio_cpu = (cpu[a] - tree_of[a][1]) / cpu[b]
        print(
            f"{a}/{b} without the tree (sequenced off the request path) = {ratio:.3f} wall, "
            f"{ratio_cpu:.3f} CPU, {size} audit records"
        )
    for size, a, b in (("0", "a0", "b0"), ("1M", "a1M", "b1M")):
        # Each request charged its share of the run that numbers it at the server's cadence.
        run = cadence[a]
        share, share_cpu = run.share
        ratio = (wall[a] - tree_of[a][0] + share) / wall[b]
        ratio_cpu = (cpu[a] - tree_of[a][1] + share_cpu) / cpu[b]
        # Paired: each round's a and b ran one after the other, so the machine's drift (its
        # speed moves by tens of percent over a minute on a shared host) cancels in their
        # ratio, not in the ratio of the two medians. The verdict is on the paired median.
        paired = sorted(
            (t - tree + share) / other
            for t, tree, other in zip(by[a].times, by[a].tree_times, by[b].times, strict=True)
        )
        verdict = "met" if med(paired) <= 1.15 else "MISSED"
        print(
            f"{a}/{b} with the tree at the server's cadence = {ratio:.3f} wall, {ratio_cpu:.3f} "
            f"CPU, paired per round {med(paired):.3f} ({paired[0]:.3f}-{paired[-1]:.3f}), "
            f"{size} audit records (target <= 1.15: {verdict}; one run per "
            f"{SEQUENCE_SECONDS:g} s = {run.batch} requests: {run.run_ms:.1f} ms, "
            f"{share:.2f} ms per request)"
        )
    ca = wall["c"] / wall["a0"]
    print(
        f"c/a0 = {ca:.3f}  (target >= 1.5: {'met' if ca >= 1.5 else 'MISSED'}; "
        f"CPU time {cpu['c'] / cpu['a0']:.3f})"
    )


async def profile(bench: Bench, config: Config, runs: int) -> None:
    prof = Profile()
    for _ in range(runs):
        await bench.run(config, record=False, prof=prof)
    print(f"\ncProfile of config a ({runs} runs of schema.execute), our code by cumulative time:")
    ours = re.escape(str(ROOT)) + r"/(directives|schema|resolvers|models|tlog)/"
    pstats.Stats(prof).sort_stats("cumulative", "tottime").print_stats(ours, 25)


FILL_REQUESTS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {requests})
INSERT INTO audit_request (request_id, at, actor, role, purpose, operation_name,
                           client_address, policy_version, entry_count)
SELECT 'fill-' || i, '2026-01-01 00:00:00+00:00', 'fill', 'BILLING', 'E', 'Fill',
       '203.0.113.7', '2009-09-01/1', {per} FROM n"""
FILL_ENTRIES = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {per} - 1)
INSERT INTO audit_entry (request_id, subject_type, subject_id, type_name, fields_decisions)
SELECT r.id, 'CUSTOMER', 1 + (r.id * 31 + n.i) % 1000, 'Customer', 'name:CLEAR,email:CLEAR'
FROM audit_request AS r, n WHERE r.request_id LIKE 'fill-%'"""


async def fill_audit(entries: int) -> None:
    per = 20
    conn = get_connection("default")
    await conn.execute_script(FILL_REQUESTS.format(requests=max(1, entries // per), per=per))
    await conn.execute_script(FILL_ENTRIES.format(per=per))
    await conn.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")


async def open_database(name: str, tmp: str, customers: int, keep: bool) -> Database:
    context = TortoiseContext()
    with context:
        await context.init(config=tortoise_config(f"sqlite:///{tmp}/bench-{name}.db"))
        await apply_migrations()
        await seed(customers=customers)
    key = SigningKey.generate(f"bench-{name}")
    return Database(name, context, Sequencer(key, LogFiles(Path(tmp) / name)), keep)


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        zero = await open_database("0", tmp, args.customers, keep=False)
        own = await open_database("c", tmp, args.customers, keep=False)
        with own.context:
            own_account = await Account.create(login="bench-billing", role=Role.BILLING)
        full = await open_database("1M", tmp, args.customers, keep=True)
        with zero.context:
            account = await Account.create(login="bench-billing", role=Role.BILLING)
        with full.context:
            twin = await Account.create(login="bench-billing", role=Role.BILLING)
            assert twin.id == account.id == own_account.id, "the databases were seeded differently"
            started = time.perf_counter()
            await fill_audit(args.audit_rows)
            filled = time.perf_counter()
            await full.sequencer.run()  # untimed: the whole log numbered into the tree once
            await catch_up()  # and copied by subject
            print(
                f"database 1M: {await AuditEntry.all().count():,} audit entries in "
                f"{await AuditRequest.all().count():,} requests, filled in "
                f"{filled - started:.0f} s, sequenced into the tree "
                f"({await AuditLeaf.all().count():,} leaves) in "
                f"{time.perf_counter() - filled:.0f} s"
            )
        caller = Caller(account_id=account.id, login=account.login, role=Role.BILLING)
        nodes = min(args.customers, MAX_PAGE_SIZE)
        query = QUERY.format(first=nodes, fields=FIELDS)
        enforced, off = build_schema(), build_schema(enforce=False)
        per_field = build_per_field_schema(enforced)  # last: it changes shared fields
        bench = Bench(caller, query, nodes)
        configs = [
            Config("a0", "a0 enforced+audited+tree, 0 records", enforced, zero, nodes, True),
            Config("b0", "b0 off (enforce=False), 0 records", off, zero, 0, False),
            Config("a1M", "a1M enforced+audited+tree, 1M records", enforced, full, nodes, True),
            Config("b1M", "b1M off (enforce=False), 1M records", off, full, 0, False),
            Config(
                "c", "c per-field FieldExtension, 0 records", per_field, own,
                nodes * PERSONAL_SELECTED, True,
            ),
        ]  # fmt: skip
        decisions = await measure(bench, configs, args.rounds)
        by_key = {c.key: c for c in configs}
        cadence = {
            k: await server_cadence(bench, by_key[k], SEQUENCE_SECONDS) for k in ("a0", "a1M")
        }
        report(bench, configs, args.rounds, decisions, args.audit_rows, cadence)
        if args.profile:
            await profile(bench, configs[0], args.profile)
        for db in (zero, full, own):
            with db.context:
                await db.context.close_connections()


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Privacy enforcement benchmark (see docstring).")
    parser.add_argument("--customers", type=int, default=1000, help="rows to seed (page <= 1000)")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved measured rounds")
    parser.add_argument("--audit-rows", type=int, default=1_000_000, help="database 1M: fill")
    parser.add_argument("--profile", type=int, default=0, metavar="RUNS", help="cProfile of a")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(_args()))

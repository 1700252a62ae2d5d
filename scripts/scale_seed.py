# ruff: noqa: S608  (SQL built from constants and integers only, no input)
"""Seeding for `scripts/scale.py`: customers and audit rows made by PostgreSQL itself
(`INSERT ... SELECT generate_series`), so 1 M customers and 10 M audit entries take minutes.

Values are synthetic and deterministic (a hash of the row number): names repeat (about 100
customers per name, as surnames do), phones and e-mails are unique, one customer in 200 is a
"busy" subject whose history is long (the auditor's worst case).
"""

from __future__ import annotations

AGENTS = 12
ENTRIES_PER_REQUEST = 20
ACTORS = 40
RARE_ACTOR = "scale-rare"
BUSY_EVERY = 200  # every 200th entry reads the busy subject (id 1): 50,000 rows at 10 M


def agents_sql() -> str:
    return f"""
INSERT INTO agent (code, name, phone, email, created_at, bank_name, bank_branch,
                   account_type, account_number, account_holder)
SELECT 'SCALE-' || g, 'Agent ' || g, '03-0000-' || lpad(g::text, 4, '0'),
       'agent' || g || '@scale.example', now(), 'Bank', 'Branch', 'normal',
       lpad(g::text, 7, '0'), 'Agent ' || g
FROM generate_series(1, {AGENTS}) AS g"""


def customers_sql(first: int, last: int) -> str:
    """Rows first..last; `h` is a per-row hash spreading names, dates and agents."""
    return f"""
INSERT INTO customer (name, name_kana, birth_date, postal_code, address, phone, fax, email,
                      bank_name, bank_branch, account_type, account_number, account_holder,
                      agent_id, survey_opt_out, marketing_opt_out, version, created_at,
                      updated_at)
SELECT 'Family' || (h % 1000) || ' Given' || (h / 1000 % 10),
       'kana' || (h % 1000) || ' ' || (h / 1000 % 10),
       date '1940-01-01' + (h % 25000)::int,
       lpad((h % 1000)::text, 3, '0') || '-' || lpad((g % 10000)::text, 4, '0'),
       'Prefecture ' || (h % 47) || ', street ' || (g % 999),
       '090-' || lpad((g / 10000)::text, 4, '0') || '-' || lpad((g % 10000)::text, 4, '0'),
       '03-' || lpad((g / 10000)::text, 4, '0') || '-' || lpad((g % 10000)::text, 4, '0'),
       'customer' || g || '@scale.example', 'Bank', 'Branch', 'normal',
       lpad((g % 10000000)::text, 7, '0'), 'Holder ' || (h % 1000),
       (SELECT min(id) FROM agent) + (h % {AGENTS}), (h % 10) = 0, (h % 7) = 0, 1, now(), now()
FROM (SELECT g, ('x' || substr(md5(g::text), 1, 8))::bit(32)::bigint AS h
      FROM generate_series({first}, {last}) AS g) AS numbered"""


def requests_sql(first: int, last: int, *, total: int) -> str:
    """Audit requests first..last over the year ending now; ACTORS busy actors, one rare one
    (every 100,000th request), purposes A-H in turn."""
    return f"""
INSERT INTO audit_request (request_id, at, actor, role, purpose, operation_name,
                           client_address, policy_version, entry_count)
SELECT md5('scale' || g)::uuid::text,
       now() - interval '365 days' + (g::float8 / {total}) * interval '365 days',
       CASE WHEN g % 100000 = 0 THEN '{RARE_ACTOR}' ELSE 'scale-actor-' || (g % {ACTORS}) END,
       'BILLING', chr(65 + (g % 8)::int), 'Scale', '203.0.113.7', '2009-09-01/1',
       {ENTRIES_PER_REQUEST}
FROM generate_series({first}, {last}) AS g"""


def entries_sql(first_request: int, last_request: int, customers: int) -> str:
    """ENTRIES_PER_REQUEST entries for each request in the id range."""
    return f"""
INSERT INTO audit_entry (request_id, subject_type, subject_id, type_name, fields_decisions)
SELECT r.id, 'CUSTOMER',
       CASE WHEN (r.id * {ENTRIES_PER_REQUEST} + k) % {BUSY_EVERY} = 0
            THEN (SELECT min(id) FROM customer)
            ELSE (SELECT min(id) FROM customer)
                 + ((r.id * 7919 + k * 104729) % {customers}) END,
       'Customer', 'name:CLEAR,email:CLEAR,phone:MASKED'
FROM audit_request AS r, generate_series(1, {ENTRIES_PER_REQUEST}) AS k
WHERE r.id BETWEEN {first_request} AND {last_request}"""


SECURITY_KINDS = ("LOGIN_SUCCESS", "LOGIN_FAILURE", "LOGOUT", "TOKEN_CREATED", "SESSION_EXPIRED")
PATHS = ("/graphql", "/", "/assets/index.js", "/schema.graphql")


def security_events_sql(first: int, last: int, *, total: int) -> str:
    """Security events first..last over the year ending now, in id order but each dated up to
    2 s off (written after the fact, as they are): kinds in turn, the scale actors' logins."""
    return f"""
INSERT INTO security_event (at, kind, actor, account_id, client_address, detail)
SELECT now() - interval '365 days' + (g::float8 / {total}) * interval '365 days'
           - (g % 3) * interval '1 second',
       (ARRAY{list(SECURITY_KINDS)})[1 + g % {len(SECURITY_KINDS)}],
       CASE WHEN g % 100000 = 0 THEN '{RARE_ACTOR}' ELSE 'scale-actor-' || (g % {ACTORS}) END,
       NULL, '203.0.113.7', ''
FROM generate_series({first}, {last}) AS g"""


def access_log_sql(first: int, last: int, *, total: int) -> str:
    """Access-log rows first..last over the year ending now, each dated up to 2 s before its
    insertion order says (the row is written once its answer is sent)."""
    return f"""
INSERT INTO access_log (at, host_name, client_address, browser, os, method, path, status,
                        duration_ms)
SELECT now() - interval '365 days' + (g::float8 / {total}) * interval '365 days'
           - (g % 3) * interval '1 second',
       NULL, '203.0.113.7', 'Firefox', 'Linux', 'POST',
       (ARRAY{list(PATHS)})[1 + g % {len(PATHS)}], 200, 12.5
FROM generate_series({first}, {last}) AS g"""


# The demo's option catalogue (demo/sales.py): code, monthly fee in yen.
OPTIONS = (
    ("BACKUP", 1_100),
    ("SSL", 1_650),
    ("SMS", 2_200),
    ("CTI", 3_300),
    ("SUPPORT24", 5_500),
    ("STORAGE", 550),
)


def options_sql() -> str:
    rows = ", ".join(f"('{code}', '{code}', {fee}, '')" for code, fee in OPTIONS)
    return f"""
INSERT INTO option_service (code, name, monthly_fee, provider) VALUES {rows}
ON CONFLICT (code) DO NOTHING"""


def contracts_sql(first: int, last: int) -> str:
    """Contracts of customers with ids first..last, as the demo spreads
    them: one in 20 customers has none, plans LIGHT/STANDARD x2/PREMIUM at the plan's fee,
    one contract in 16 cancelled; then zero to three options on each (0, 0, 1, 1, 2, 3)."""
    codes = ", ".join(f"'{code}'" for code, _ in OPTIONS)
    return f"""
INSERT INTO contract (customer_id, agent_id, plan, monthly_fee, started_on, cancelled_on,
                      created_at)
SELECT c.id, c.agent_id, (ARRAY['LIGHT', 'STANDARD', 'STANDARD', 'PREMIUM'])[1 + h / 20 % 4],
       (ARRAY[3300, 5500, 5500, 11000])[1 + h / 20 % 4],
       date '2025-01-01' + (h % 480)::int,
       CASE WHEN h / 80 % 16 = 0 THEN date '2026-05-28' + (h % 150)::int END, now()
FROM (SELECT id, agent_id, ('x' || substr(md5('contract' || id), 1, 8))::bit(32)::bigint AS h
      FROM customer WHERE id BETWEEN {first} AND {last}) AS c
WHERE h % 20 <> 0;
INSERT INTO option_subscription (contract_id, option_id, started_on, cancelled_on)
SELECT t.id, o.id, t.started_on, NULL
FROM (SELECT id, started_on, ('x' || substr(md5('options' || id), 1, 8))::bit(32)::bigint AS h
      FROM contract WHERE id > (SELECT coalesce(max(contract_id), 0)
                                FROM option_subscription)) AS t,
     generate_series(0, 2) AS j, option_service AS o
WHERE j < (ARRAY[0, 0, 1, 1, 2, 3])[1 + t.h % 6]
  AND o.code = (ARRAY[{codes}])[1 + (t.h / 6 + j) % 6]"""

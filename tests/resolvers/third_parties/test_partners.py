"""Option providers' staff (PARTNER, P4.2, P8.1) through GraphQL: only the subscribers of
their own options, only the fields their NDA in force names, under purpose B; an NDA that
ends or expires stops access on the next request; every value received leaves a provision
record (APPI art. 29)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import strawberry
from tortoise.context import TortoiseContext

from auth.callers import from_bearer
from auth.sessions import SessionPolicy
from directives.operations import ALL_ROLES, RowScope, op
from directives.personal import personal
from directives.privacy_schema import PrivacySchema
from directives.scope import Subject, SubjectKind
from directives.vocabulary import Category, Role
from models import Account, ApiToken, Nda, ProvisionRecord
from models.third_parties import Ground, NdaStatus
from models.tokens import hash_token
from schema.context import Info, caller_of
from tests.conftest import World, code_of, run

FIELDS = "id name nameKana birthDate postalCode address phone fax email accountNumber"
LIST = f"query P @purpose(code: B) {{ customers {{ nodes {{ {FIELDS} }} }} }}"
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


async def test_a_partner_sees_its_subscribers_and_only_what_its_nda_names(
    schema: PrivacySchema, world: World
) -> None:
    result, _ = await run(schema, LIST, world.caller(Role.PARTNER))
    assert result.errors is None
    nodes = result.data["customers"]["nodes"]  # type: ignore[index]
    subscribers = [world.customers[1], world.customers[3]]
    assert sorted(n["id"] for n in nodes) == sorted(str(c.id) for c in subscribers)
    for node, row in zip(sorted(nodes, key=lambda n: n["id"]), subscribers, strict=True):
        # The NDA names NAME, ADDRESS, PHONE: those in clear ...
        assert (node["name"], node["address"], node["phone"]) == (row.name, row.address, row.phone)
        assert node["nameKana"] == row.name_kana
        # ... and nothing else, not even what the PARTNER row would allow (postal code, e-mail).
        for name in ("birthDate", "postalCode", "fax", "email", "accountNumber"):
            assert node[name] is None, name


async def test_a_partner_reaches_no_other_customer(schema: PrivacySchema, world: World) -> None:
    partner = world.caller(Role.PARTNER)
    for other in (world.customers[0], world.customers[2], world.customers[4]):
        query = f"query @purpose(code: B) {{ customer(id: {other.id}) {{ id name }} }}"
        result, _ = await run(schema, query, partner)
        assert result.errors is None and result.data == {"customer": None}
    contacts = "query @purpose(code: B) { customers { nodes { agent { name } } } }"
    result, _ = await run(schema, contacts, partner)
    assert all(n["agent"] is None for n in result.data["customers"]["nodes"])  # type: ignore[index]


async def test_a_partner_declares_b_only_and_searches_nothing(
    schema: PrivacySchema, world: World
) -> None:
    partner = world.caller(Role.PARTNER)
    wrong, _ = await run(schema, LIST.replace("code: B", "code: A"), partner)
    assert [code_of(e) for e in wrong.errors or []] == ["PURPOSE_FORBIDDEN"]
    search = """query @purpose(code: B) {
      customerSearch(where: {phone: "090-1234-5671"}) { totalCount } }"""
    refused, _ = await run(schema, search, partner)
    assert [code_of(e) for e in refused.errors or []] == ["FORBIDDEN"]
    for root in (
        "contracts { nodes { id } }",
        "invoices { nodes { id } }",
        "agents { nodes { id } }",
    ):
        result, _ = await run(schema, f"query @purpose(code: B) {{ {root} }}", partner)
        assert result.data is None and [code_of(e) for e in result.errors or []] == ["FORBIDDEN"]


async def test_every_value_received_leaves_a_provision_record(
    schema: PrivacySchema, world: World
) -> None:
    result, context = await run(schema, LIST, world.caller(Role.PARTNER))
    assert result.errors is None
    records = await ProvisionRecord.all().order_by("customer_id")
    assert [r.customer_id for r in records] == sorted(
        [world.customers[1].id, world.customers[3].id]
    )
    for r in records:
        assert r.ground is Ground.NDA and r.source == f"request:{context.request_id}"
        assert r.items == "address,name,nameKana,phone"  # field names only, what came clear
        assert r.recipient == "株式会社バックアップ工房" and r.provider_id is not None
        assert (r.keep_until - r.at.date()).days >= 365 * 3
    # Asking for nothing personal provides nothing.
    await run(
        schema, "query @purpose(code: B) { customers { nodes { id } } }", world.caller(Role.PARTNER)
    )
    assert await ProvisionRecord.all().count() == len(records)


async def _partner_by_token(world: World, now: datetime) -> object:
    account = await Account.get(login="t-partner")
    if not await ApiToken.filter(account_id=account.id).exists():
        await ApiToken.create(
            name="feed", token_hash=hash_token("partner-token"), account=account, role="PARTNER"
        )
    resolved = await from_bearer("partner-token", policy=POLICY, now=now)
    assert resolved is not None
    return resolved.caller


async def test_an_ended_or_expired_nda_stops_access_on_the_next_request(
    schema: PrivacySchema, world: World
) -> None:
    now = datetime.now(UTC)
    before, _ = await run(schema, LIST, await _partner_by_token(world, now))  # type: ignore[arg-type]
    assert len(before.data["customers"]["nodes"]) == 2  # type: ignore[index]
    nda = await Nda.get(reference="NDA-TEST-1")
    await Nda.filter(id=nda.id).update(status=NdaStatus.ENDED, ended_at=now)
    ended, _ = await run(schema, LIST, await _partner_by_token(world, now))  # type: ignore[arg-type]
    assert ended.data == {"customers": {"nodes": []}}
    await Nda.filter(id=nda.id).update(
        status=NdaStatus.ACTIVE, valid_until=now.date() - timedelta(days=1)
    )
    expired, _ = await run(schema, LIST, await _partner_by_token(world, now))  # type: ignore[arg-type]
    assert expired.data == {"customers": {"nodes": []}}


@strawberry.type
class Subscriber:
    """A new personal-bearing type with a field of each category: what a future column
    would look like."""

    row_id: strawberry.Private[int]
    name: str | None = personal(Category.NAME)
    mobile: str | None = personal(Category.PHONE)
    new_email: str | None = personal(Category.EMAIL)
    memo: str | None = personal(Category.FREE_TEXT)
    birthday: str | None = personal(Category.BIRTH_DATE)

    def privacy_subject(self) -> Subject:
        return Subject(SubjectKind.CUSTOMER, self.row_id, consent_withdrawn=frozenset())


@strawberry.type
class NewFieldQuery:
    @strawberry.field
    def subscribers(self, info: Info) -> list[Subscriber]:
        reached = caller_of(info).partner
        ids = sorted(reached.customers) if reached else []
        return [
            Subscriber(row_id=i, name="n", mobile="m", new_email="e", memo="x", birthday="b")
            for i in ids
        ]


async def test_a_new_personal_field_stays_out_unless_the_nda_names_its_category(
    db: TortoiseContext, world: World
) -> None:
    schema = PrivacySchema(
        query=NewFieldQuery, operations={"subscribers": op(ALL_ROLES, RowScope.PEOPLE)}
    )
    query = "query @purpose(code: B) { subscribers { name mobile newEmail memo birthday } }"
    result, _ = await run(schema, query, world.caller(Role.PARTNER))
    assert result.errors is None
    rows = result.data["subscribers"]  # type: ignore[index]
    assert rows and all(
        r == {"name": "n", "mobile": "m", "newEmail": None, "memo": None, "birthday": None}
        for r in rows
    )

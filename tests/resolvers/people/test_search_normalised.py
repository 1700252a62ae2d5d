"""Gap 14: customerSearch finds people the way operators type — a phone with or without
hyphens or in full-width digits, an e-mail in any case or full-width, kana in hiragana or
half-width katakana — and only where the policy shows the field used in clear. Writes store
the canonical form the search compares (`resolvers.validation`: every rule's normaliser)."""

from __future__ import annotations

from typing import Any

import pytest

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import AuditEntry, Contact, Customer
from resolvers.people import contacts, mutation
from resolvers.validation import Rule, validated
from tests.conftest import World, code_of, run

SEARCH = """query Q($where: CustomerSearch) @purpose(code: %s) {
  customerSearch(where: $where) { totalCount nodes { id } } }"""


async def _found(
    schema: PrivacySchema,
    world: World,
    where: dict[str, str],
    role: Role = Role.SUPPORT,
    purpose: str = "C",
) -> Any:
    result, _ = await run(schema, SEARCH % purpose, world.caller(role), variables={"where": where})
    return result


def _ids(result: Any) -> list[str]:
    assert result.errors is None, result.errors
    return [node["id"] for node in result.data["customerSearch"]["nodes"]]


@pytest.mark.parametrize(
    "typed",
    [
        "090-1234-5671",
        "09012345671",
        "０９０－１２３４－５６７１",
        "090ー1234ー5671",
        "090−1234−5671",
        "090 1234 5671",
        "０９０１２３４５６７１",
    ],
)
async def test_phone_found_however_typed(schema: PrivacySchema, world: World, typed: str) -> None:
    assert world.customers[1].phone == "090-1234-5671"
    assert _ids(await _found(schema, world, {"phone": typed})) == [str(world.customers[1].id)]


async def test_phone_stored_without_hyphens_found_with_them(
    schema: PrivacySchema, world: World
) -> None:
    await Customer.filter(id=world.customers[2].id).update(phone="09012345672")
    found = await _found(schema, world, {"phone": "090-1234-5672"})
    assert _ids(found) == [str(world.customers[2].id)]


@pytest.mark.parametrize(
    "typed",
    [
        "hanako.tanaka@mail.example",
        "HANAKO.TANAKA@MAIL.EXAMPLE",
        "Hanako.Tanaka@Mail.Example",
        "Ｈａｎａｋｏ．Ｔａｎａｋａ＠ｍａｉｌ．ｅｘａｍｐｌｅ",
    ],
)
async def test_email_found_in_any_case(schema: PrivacySchema, world: World, typed: str) -> None:
    await Customer.filter(id=world.customers[2].id).update(email="Hanako.Tanaka@Mail.Example")
    assert _ids(await _found(schema, world, {"email": typed})) == [str(world.customers[2].id)]


@pytest.mark.parametrize(
    "typed", ["スズキ ハナコ1", "すずき はなこ1", "ｽｽﾞｷ ﾊﾅｺ1", "すずき　　はなこ１"]
)
async def test_kana_found_in_hiragana_and_half_width(
    schema: PrivacySchema, world: World, typed: str
) -> None:
    assert world.customers[1].name_kana == "スズキ ハナコ1"
    found = await _found(schema, world, {"nameKana": typed})
    assert _ids(found) == [str(world.customers[1].id)]


async def test_long_vowel_kept_in_kana(schema: PrivacySchema, world: World) -> None:
    """ー is a dash only in a phone: in kana it is the long vowel, and stays."""
    await Customer.filter(id=world.customers[3].id).update(name_kana="ユーコ")
    assert _ids(await _found(schema, world, {"nameKana": "ゆーこ"})) == [str(world.customers[3].id)]
    assert _ids(await _found(schema, world, {"nameKana": "ユコ"})) == []


@pytest.mark.parametrize(
    ("role", "purpose", "where"),
    [
        (Role.ADMIN, "D", {"phone": "09012345671"}),  # phone masked for ADMIN
        (Role.MARKETING, "H", {"phone": "０９０－１２３４－５６７１"}),  # masked under H
        (Role.ANALYST, "F", {"email": "HANAKO1@MAIL.EXAMPLE"}),
        (Role.AUDITOR, "D", {"nameKana": "すずき はなこ1"}),  # redacted for auditors
        (Role.AGENT, "E", {"phone": "09012345671"}),  # agent under E: name only
    ],
)
async def test_normalised_search_still_needs_clear(
    schema: PrivacySchema, world: World, role: Role, purpose: str, where: dict[str, str]
) -> None:
    result = await _found(schema, world, where, role, purpose)
    assert result.data is None and code_of(result.errors[0]) == "FORBIDDEN"
    for value in where.values():
        assert value not in result.errors[0].message


async def test_normalised_matches_are_recorded_as_uses(schema: PrivacySchema, world: World) -> None:
    before = await AuditEntry.filter(subject_id=world.customers[1].id).count()
    found = await _found(schema, world, {"phone": "09012345671"})
    assert _ids(found) == [str(world.customers[1].id)]
    assert await AuditEntry.filter(subject_id=world.customers[1].id).count() > before


UPDATE = "mutation U($input: MyRecordInput!) { updateMyRecord(input: $input) { id } }"
ADD = "mutation A($input: ContactInput!) { addContact(input: $input) { id } }"


async def test_update_my_record_stores_the_canonical_form(
    schema: PrivacySchema, world: World
) -> None:
    typed = {
        "phone": "０８０ー１１１１－２２２２",
        "fax": "03‐1111‐2222",
        "email": "Ｔａｒｏ＠Ｍａｉｌ．ｅｘａｍｐｌｅ",
        "nameKana": "たなか  ﾀﾛｳ",
    }
    result, _ = await run(schema, UPDATE, world.caller(Role.CUSTOMER), variables={"input": typed})
    assert result.errors is None, result.errors
    me = await Customer.get(id=world.customers[0].id)
    assert (me.phone, me.fax, me.email, me.name_kana) == (
        "080-1111-2222",
        "03-1111-2222",
        "Taro@Mail.example",
        "タナカ タロウ",
    )
    found = await _found(schema, world, {"phone": "08011112222", "email": "taro@mail.example"})
    assert _ids(found) == [str(me.id)]


async def test_add_contact_stores_the_canonical_form(schema: PrivacySchema, world: World) -> None:
    typed = {
        "name": "高橋 一郎",
        "phone": "０３－１２３４－５６７８",
        "email": "ＩＣＨＩＲＯ＠ｅｘ．ｊｐ",
    }
    result, _ = await run(schema, ADD, world.caller(Role.CUSTOMER), variables={"input": typed})
    assert result.errors is None, result.errors
    assert result.data is not None
    contact = await Contact.get(id=int(result.data["addContact"]["id"]))
    assert (contact.phone, contact.email) == ("03-1234-5678", "ICHIRO@ex.jp")


async def test_full_width_digits_are_not_stored_as_such(
    schema: PrivacySchema, world: World
) -> None:
    """The pattern is ASCII: a phone with digits no normaliser folds (Arabic-Indic) is refused
    (`\\d` used to let any Unicode digit through)."""
    result, _ = await run(
        schema, UPDATE, world.caller(Role.CUSTOMER), variables={"input": {"phone": "٠٩٠١٢٣٤٥٦٧٨"}}
    )
    assert result.errors and code_of(result.errors[0]) == "BAD_INPUT"


# --- the mechanism: every rule with a normaliser is applied by validated() ----------------

_ALL_RULES = {"customer": mutation._RULES, "contact": contacts._RULES}


class _Input:
    def __init__(self, **values: str) -> None:
        for name, value in values.items():
            setattr(self, name, value)


@pytest.mark.parametrize(
    ("rules", "column"),
    [
        (rules, column)
        for rules in _ALL_RULES.values()
        for column, check in rules.items()
        if check.normalise is not None
    ],
    ids=[
        f"{name}.{column}"
        for name, rules in _ALL_RULES.items()
        for column, check in rules.items()
        if check.normalise is not None
    ],
)
def test_validated_applies_every_normaliser(rules: dict[str, Rule], column: str) -> None:
    """A value a normaliser changes is stored as the normaliser gives it, for every rule that
    has one: a rule given a normaliser cannot be bypassed by the write path."""
    normalise = rules[column].normalise
    assert normalise is not None
    typed = {
        "phone": "０９０ー１２３４－５６７８",
        "fax": "０３－１２３４－５６７８",
        "email": "ＡＢ＠ｅｘ．ｊｐ",
        "name_kana": "すずき ﾊﾅｺ",
    }[column]
    assert normalise(typed) != typed
    assert validated(_Input(**{column: typed}), rules)[column] == normalise(typed).strip()


def test_phone_email_kana_rules_all_normalise() -> None:
    """Every phone, e-mail and kana column written through validated() has a normaliser."""
    for rules in _ALL_RULES.values():
        for column, check in rules.items():
            if column in ("phone", "fax", "email", "name_kana"):
                assert check.normalise is not None, column

"""Every refusal of an input or a business action carries its reason code, and names the
inputs at fault in the schema's names, never their values. The source is walked: a BAD_INPUT
raised any other way than through `directives.reasons.refused` fails here."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from auth.service import check_new_password
from directives.errors import PrivacyError
from directives.privacy_schema import PrivacySchema
from directives.reasons import ReasonCode
from directives.vocabulary import Role
from tests.business_world import Business
from tests.conftest import World, code_of, run

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("auth", "directives", "models", "notify", "resolvers", "rights", "schema", "tlog")


def _sources() -> list[tuple[Path, ast.Module]]:
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    files.append(ROOT / "server.py")
    return [(p, ast.parse(p.read_text())) for p in files]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _calls() -> list[tuple[str, ast.Call]]:
    return [
        (f"{path.relative_to(ROOT)}:{node.lineno}", node)
        for path, module in _sources()
        for node in ast.walk(module)
        if isinstance(node, ast.Call)
    ]


def test_no_bad_input_is_raised_without_a_reason() -> None:
    for where, call in _calls():
        if _name(call) != "PrivacyError" or where.startswith("directives/reasons.py"):
            continue
        first = call.args[0] if call.args else None
        assert not (isinstance(first, ast.Attribute) and first.attr == "BAD_INPUT"), where


def _refusers(module: ast.Module) -> set[str]:
    """`refused` and a module's own wrappers of it (first parameter typed ReasonCode)."""
    wrappers = {
        node.name
        for node in ast.walk(module)
        if isinstance(node, ast.FunctionDef)
        and node.args.args
        and isinstance(node.args.args[0].annotation, ast.Name)
        and node.args.args[0].annotation.id == "ReasonCode"
    }
    return {"refused", *wrappers}


def _refusals() -> list[tuple[str, ast.Call]]:
    return [
        (f"{path.relative_to(ROOT)}:{node.lineno}", node)
        for path, module in _sources()
        for names in [_refusers(module)]
        for node in ast.walk(module)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def test_every_refusal_names_a_reason_code() -> None:
    seen: set[str] = set()
    refusals = _refusals()
    assert len(refusals) > 50
    for where, call in refusals:
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Name) and first.id == "reason":
            continue  # a wrapper passing its own (typed) argument on
        assert isinstance(first, ast.Attribute), where
        assert isinstance(first.value, ast.Name) and first.value.id == "ReasonCode", where
        assert first.attr in ReasonCode.__members__, where
        seen.add(first.attr)
    password = {c.name for c in ReasonCode if c.name.startswith("PASSWORD_")}
    assert set(ReasonCode.__members__) - password == seen  # no code that nothing gives


def test_the_codes_are_in_the_schema(schema: PrivacySchema) -> None:
    sdl = str(schema)
    assert "enum ReasonCode" in sdl
    assert all(code.value in sdl for code in ReasonCode)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password", "PASSWORD_TOO_COMMON"),  # also too short: the more telling reason
        ("Password1234567", "PASSWORD_TOO_COMMON"),
        ("Kx9!aa", "PASSWORD_TOO_SHORT"),
        ("abcabcabcabcabcabc", "PASSWORD_TOO_SIMPLE"),
        ("t-customer-passphrase-long-enough", "PASSWORD_CONTAINS_LOGIN"),
        ("".join(chr(0x4E00 + i) for i in range(300)), "PASSWORD_TOO_LONG"),
    ],
)
def test_a_rejected_password_says_why(password: str, reason: str) -> None:
    with pytest.raises(PrivacyError) as refused:
        check_new_password(password, "t-customer")
    assert refused.value.extensions["code"] == "PASSWORD_REJECTED"
    assert refused.value.extensions["reason"] == reason


UPDATE = """mutation U($input: MyRecordInput!) { updateMyRecord(input: $input) { id } }"""


async def test_every_invalid_field_is_named_and_no_value_echoed(
    schema: PrivacySchema, world: World
) -> None:
    bad = {
        "postalCode": "abc-defg",
        "phone": "電話番号だよ",
        "email": "nobody",
        "name": "新しい名前",
    }
    result, _ = await run(schema, UPDATE, world.caller(Role.CUSTOMER), variables={"input": bad})
    assert result.data is None and result.errors
    error = result.errors[0]
    assert error.extensions == {
        "code": "BAD_INPUT",
        "reason": "INVALID_VALUE",
        "fields": ["postalCode", "phone", "email"],
    }
    text = str([e.formatted for e in result.errors])
    assert not any(value in text for value in bad.values())


async def _run(schema: PrivacySchema, world: World, role: Role, query: str, **v: Any) -> Any:
    result, _ = await run(schema, query, world.caller(role), variables=v)
    return result


async def test_business_refusals_carry_their_reason(
    schema: PrivacySchema, world: World, business: Business
) -> None:
    apply = """mutation A($id: ID!) @purpose(code: A) {
      applyForService(customerId: $id, plan: LIGHT, startsOn: "2026-12-01") { plan } }"""
    active = await _run(schema, world, Role.SUPPORT, apply, id=str(world.customers[0].id))
    assert code_of(active.errors[0]) == "BAD_INPUT"
    assert active.errors[0].extensions["reason"] == "ACTIVE_CONTRACT_EXISTS"
    pay = """mutation P($id: ID!) @purpose(code: E) {
      recordPayment(invoiceId: $id, amount: 999999, receivedOn: "2026-10-20") { balance } }"""
    above = await _run(schema, world, Role.BILLING, pay, id=str(business.invoices[0].id))
    assert above.errors[0].extensions == {
        "code": "BAD_INPUT",
        "reason": "ABOVE_BALANCE",
        "fields": ["amount"],
    }

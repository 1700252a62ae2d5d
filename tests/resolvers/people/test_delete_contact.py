"""deleteContact (P7.2): the holder removes its own contact, never another customer's."""

from __future__ import annotations

from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Role
from models import Contact
from tests.conftest import World, code_of, run

DELETE = "mutation D($id: ID!) { deleteContact(id: $id) }"


async def test_the_holder_removes_its_own_contact_only(schema: PrivacySchema, world: World) -> None:
    mine = await Contact.create(customer=world.customers[0], name="田中 一郎")
    theirs = await Contact.create(customer=world.customers[1], name="佐藤 次郎")
    caller = world.caller(Role.CUSTOMER)
    other, _ = await run(schema, DELETE, caller, variables={"id": str(theirs.id)})
    assert other.data is None and code_of(other.errors[0]) == "NOT_FOUND"  # type: ignore[index]
    assert await Contact.exists(id=theirs.id)
    done, _ = await run(schema, DELETE, caller, variables={"id": str(mine.id)})
    assert done.errors is None and done.data == {"deleteContact": str(mine.id)}
    assert not await Contact.exists(id=mine.id)
    again, _ = await run(schema, DELETE, caller, variables={"id": str(mine.id)})
    assert code_of(again.errors[0]) == "NOT_FOUND"  # type: ignore[index]
    staff, _ = await run(
        schema, DELETE, world.caller(Role.SUPPORT), variables={"id": str(theirs.id)}
    )
    assert staff.data is None and code_of(staff.errors[0]) == "FORBIDDEN"  # type: ignore[index]

"""The schema itself: every personal column is tagged, every tag is enforced, nothing escapes."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from directives.classification import CLASSIFICATION, personal_columns
from directives.enforcement import ENFORCED
from directives.operations import ALL_ROLES, RowScope, op
from directives.personal import personal_directive
from directives.policy import MASKS, purposes_for
from directives.privacy_schema import PrivacySchema
from directives.vocabulary import Category
from resolvers.app_schema import build_schema
from schema.people.customer import Customer

# Types that show a customer's own columns under the same names (the name check below
# proves them tagged): the send list (P5.H) and the research rows (P5.F).
CUSTOMER_VIEWS = ("CampaignRecipient", "ResearchRecord")
CUSTOMER_COLUMNS = set(personal_columns("Customer"))


def _object_types(schema: PrivacySchema) -> list[GraphQLObjectType]:
    return [
        t
        for t in schema._schema.type_map.values()
        if isinstance(t, GraphQLObjectType) and not t.name.startswith("__")
    ]


# Fields named like a personal column that are not about a person, and why.
NOT_PERSONAL = {
    "ApiTokenInfo.name": "the label an account gives its own API token",
    "NewApiToken.name": "the same label, when the token is created",
    "PurposeInfo.description": "the policy's own text of a purpose (P5)",
    "PrivacyContact.email": "the operator's privacy window (P3.5), published to anyone",
    "PrivacyContact.phone": "the same window's telephone number",
    "NamedUse.description": "the operator's text describing a use outside A-H (P5)",
    "ConsentStatus.description": "the same text, or the policy's text of G or H",
    "Provider.name": "a company's name (an option provider or a carrier), not a person",
}


@pytest.mark.parametrize("type_name", CUSTOMER_VIEWS)
def test_customer_views_tag_every_customer_column_they_show(
    schema: PrivacySchema, type_name: str
) -> None:
    gql_type = schema._schema.type_map[type_name]
    assert isinstance(gql_type, GraphQLObjectType)
    shown = {
        f.extensions["strawberry-definition"].python_name for f in gql_type.fields.values()
    } & CUSTOMER_COLUMNS
    assert shown, f"{type_name} shows no customer column"
    assert shown <= set(schema.personal_index.fields_of(type_name).keys()) | {
        f.python_name for f in schema.personal_index.fields_of(type_name).values()
    }


def test_no_personal_column_is_exposed_anywhere_else_untagged(schema: PrivacySchema) -> None:
    """Any field on any type named like a personal column must be tagged (no second path),
    unless listed in NOT_PERSONAL with a reason."""
    personal_names = set().union(*(personal_columns(m) for m in CLASSIFICATION))
    for gql_type in _object_types(schema):
        for field in gql_type.fields.values():
            definition = field.extensions.get("strawberry-definition")
            if f"{gql_type.name}.{getattr(definition, 'python_name', '')}" in NOT_PERSONAL:
                continue
            if definition is not None and definition.python_name in personal_names:
                assert personal_directive(definition) is not None, (
                    f"{gql_type.name}.{definition.python_name} looks personal but is untagged"
                )


def test_every_category_has_a_mask_and_serves_a_purpose() -> None:
    for category in Category:
        assert category in MASKS
        assert purposes_for(category), f"{category} serves no purpose at all"


def test_every_p1_item_has_a_category() -> None:
    p1 = {"NAME", "BIRTH_DATE", "ADDRESS", "PHONE", "FAX", "EMAIL"}
    p1 |= {"BANK_ACCOUNT_NUMBER", "BANK_ACCOUNT_HOLDER"}
    assert p1 <= {c.value for c in Category}


def test_personal_fields_are_nullable_so_denial_can_null_them(schema: PrivacySchema) -> None:
    for field in schema.personal_index.all_fields():
        owner = schema._schema.type_map[field.type_name]
        assert isinstance(owner, GraphQLObjectType)
        gql_field = owner.fields[field.name]
        assert not isinstance(gql_field.type, GraphQLNonNull), f"{field.type_name}.{field.name}"


def test_directive_purposes_are_ones_the_policy_can_serve(schema: PrivacySchema) -> None:
    for field in schema.personal_index.all_fields():
        assert field.purposes <= purposes_for(field.category), field


def test_every_field_returning_personal_data_is_enforced(schema: PrivacySchema) -> None:
    """Walk every field of every type: if it can return an object with personal fields, the
    enforcement point must wrap it. This is what makes the enforcement point unforgettable."""
    index = schema.personal_index
    returning = []
    for gql_type in _object_types(schema):
        for name, field in gql_type.fields.items():
            target = get_named_type(field.type)
            if index.carries_personal(schema._schema, target):
                returning.append(f"{gql_type.name}.{name}")
                assert field.extensions.get(ENFORCED), f"{gql_type.name}.{name} escapes"
    assert sorted(returning) == sorted(schema.enforced_fields)
    # The known paths to personal data are all among them.
    assert {"Query.customer", "CustomerConnection.nodes", "Customer.agent"} <= set(returning)
    business = {
        "InvoiceConnection.nodes",
        "MarginStatement.payouts",
        "CampaignRecipientConnection.nodes",
        "ResearchRecordConnection.nodes",
        "Contract.customer",
        "MarginLine.customer",
        "SurveyResponse.customer",
        "Inquiry.customer",
        "CustomerSearchConnection.nodes",
    }
    assert business <= set(returning)


@strawberry.type
class Extra:
    @strawberry.field
    def twins(self) -> list[list[Customer | None]]:
        return []


@strawberry.type
class ExtraQuery:
    extra: Extra = strawberry.field(default_factory=Extra)


def test_a_new_type_is_enforced_without_being_registered() -> None:
    """Adding a field that returns a personal type needs no hand-written hook."""
    schema = PrivacySchema(query=ExtraQuery, operations={"extra": op(ALL_ROLES, RowScope.NONE)})
    assert "Extra.twins" in schema.enforced_fields


def test_sdl_prints_applied_directives(schema: PrivacySchema) -> None:
    sdl = str(schema)
    assert "directive @personal(category: Category!, purposes: [Purpose!]!)" in sdl
    assert "directive @purpose(code: Purpose!, use: String = null) on QUERY | MUTATION" in sdl
    assert "email: String @personal(category: EMAIL" in sdl
    assert "accountNumber: String @personal(category: BANK_ACCOUNT_NUMBER" in sdl


def test_building_twice_gives_independent_schemas() -> None:
    first, second = build_schema(), build_schema(enforce=False)
    assert first.enforced_fields and not second.enforced_fields
    owner = second._schema.type_map["CustomerConnection"]
    assert isinstance(owner, GraphQLObjectType)
    field = owner.fields["nodes"]
    assert not field.extensions.get(ENFORCED)

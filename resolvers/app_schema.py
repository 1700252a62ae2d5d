"""Builds the one schema: types, root operations, limits, error masking, enforcement."""

from __future__ import annotations

import logging

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from directives.conflicts import CONFLICT_MESSAGE, is_write_conflict
from directives.errors import ErrorCode, PrivacyError
from directives.privacy_schema import PrivacySchema
from directives.reasons import ReasonCode
from resolvers.accounts.binding import BindingMutation, BindingQuery
from resolvers.accounts.mutation import AccountMutation
from resolvers.accounts.query import AccountQuery
from resolvers.accounts.resets import ResetMutation, ResetQuery
from resolvers.audit.proofs import AuditProofQuery
from resolvers.audit.query import AuditQuery
from resolvers.billing.mutation import BillingMutation
from resolvers.billing.query import BillingQuery
from resolvers.inquiries.mutation import InquiryMutation
from resolvers.inquiries.query import InquiryQuery
from resolvers.marketing.mutation import MarketingMutation
from resolvers.marketing.query import MarketingQuery
from resolvers.people.contacts import ContactMutation
from resolvers.people.mutation import PeopleMutation
from resolvers.people.query import PeopleQuery
from resolvers.people.search import SearchQuery
from resolvers.research.query import ResearchQuery
from resolvers.rights.access import AccessQuery
from resolvers.rights.consent import ConsentMutation, ConsentQuery
from resolvers.rights.policy import PolicyQuery
from resolvers.rights.requests import RequestMutation, RequestQuery
from resolvers.rights.retention import RetentionMutation, RetentionQuery
from resolvers.sales.mutation import SalesMutation
from resolvers.sales.query import SalesQuery
from resolvers.third_parties.delivery import DeliveryMutation
from resolvers.third_parties.disclosure import DisclosureMutation
from resolvers.third_parties.incidents import IncidentMutation
from resolvers.third_parties.query import ThirdPartyQuery
from resolvers.third_parties.transfer import TransferMutation

MAX_DEPTH = 6
MAX_ALIASES = 15
MAX_TOKENS = 1000
MAX_COST = 50_000  # CRM_MAX_QUERY_COST; every screen of web/ fits (tests/edge)

log = logging.getLogger("crm.errors")


def should_mask(error: GraphQLError) -> bool:
    """Mask only unexpected exceptions; validation, limit and policy errors stay readable."""
    original = error.original_error
    if original is None or isinstance(original, PrivacyError):
        return False
    return not isinstance(original, GraphQLError)


# Each area of the API contributes its own root fields; the schema merges them.
QUERIES: tuple[type, ...] = (
    AccountQuery,
    BindingQuery,
    ResetQuery,
    PeopleQuery,
    SearchQuery,
    SalesQuery,
    BillingQuery,
    InquiryQuery,
    MarketingQuery,
    ResearchQuery,
    AuditQuery,
    AuditProofQuery,
    PolicyQuery,
    ConsentQuery,
    AccessQuery,
    RetentionQuery,
    RequestQuery,
    ThirdPartyQuery,
)
MUTATIONS: tuple[type, ...] = (
    AccountMutation,
    BindingMutation,
    ResetMutation,
    PeopleMutation,
    ContactMutation,
    SalesMutation,
    BillingMutation,
    InquiryMutation,
    MarketingMutation,
    ConsentMutation,
    RetentionMutation,
    RequestMutation,
    DeliveryMutation,
    DisclosureMutation,
    TransferMutation,
    IncidentMutation,
)
# Every code an error's `extensions.code` can carry, listed in the SDL for clients.
ERROR_CODES = strawberry.enum(ErrorCode, description="Values of `extensions.code` in errors.")
# Why a BAD_INPUT (or PASSWORD_REJECTED) refusal was given: `extensions.reason`.
REASON_CODES = strawberry.enum(
    ReasonCode,
    description="Values of `extensions.reason` in BAD_INPUT and PASSWORD_REJECTED errors; "
    "`extensions.fields` names the inputs at fault.",
)


LIMIT_RULES: list[type[ASTValidationRule]] = [
    query_depth_limiter.create_validator(MAX_DEPTH, None, None),
    max_aliases.create_validator(MAX_ALIASES),
]


class CodedMaskErrors(MaskErrors):
    """Strawberry's masking, keeping the one thing the client may know: INTERNAL_ERROR."""

    def _process_result(self, result: object) -> None:
        # Strawberry's own asks `isinstance(result, <runtime-checkable Protocol>)`, which walks
        # the protocol's members on every request (~1 % of a dashboard request's samples).
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        if is_write_conflict(error.original_error):
            masked.message = CONFLICT_MESSAGE
            masked.extensions = {"code": ErrorCode.CONFLICT.value}
        else:
            masked.extensions = {"code": ErrorCode.INTERNAL_ERROR.value}
        return masked


def build_schema(*, enforce: bool = True, max_cost: int | None = MAX_COST) -> PrivacySchema:
    return PrivacySchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        enforce=enforce,
        max_cost=max_cost,
        types=[ERROR_CODES, REASON_CODES],
        config=StrawberryConfig(disable_field_suggestions=True),
        extensions=[
            # Parsing once per document text (bounded LRU); the guard caches its own analysis
            # (validation included) the same way, in directives.analysis.
            lambda: ParserCache(maxsize=512),
            # Strawberry's QueryDepthLimiter and MaxAliasesLimiter, their rules built once:
            # each of those extensions builds a new rule class per request in its __init__.
            lambda: AddValidationRules(LIMIT_RULES),
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
            lambda: CodedMaskErrors(should_mask_error=should_mask, error_message="Internal error."),
        ],
    )

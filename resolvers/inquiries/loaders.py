"""Inquiry DataLoaders: a customer's inquiries in scope, the messages of inquiries in scope."""

from __future__ import annotations

from typing import Any

from directives.context import Caller
from models import InquiryMessage
from resolvers.batching import by_parent, by_parent_in
from resolvers.inquiries.scope import visible_inquiries


def inquiry_loaders(caller: Caller) -> dict[str, Any]:
    return {
        "messages_of_inquiry": by_parent(InquiryMessage, "inquiry_id"),
        # A customer's inquiries within the caller's scope (kinds are chosen by the field).
        "inquiries_of_customer": by_parent_in(lambda: visible_inquiries(caller), "customer_id"),
    }

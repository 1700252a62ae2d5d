"""Inquiry DataLoaders: the messages of inquiries already in scope."""

from __future__ import annotations

from typing import Any

from models import InquiryMessage
from resolvers.batching import by_parent


def inquiry_loaders() -> dict[str, Any]:
    return {"messages_of_inquiry": by_parent(InquiryMessage, "inquiry_id")}

"""Records that, once issued, never change (P5.E invoices and margin statements).

A correction is a new record that references the original; there is no update path.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or delete an issued record."""


class Immutable(Model):
    """A model whose rows can be created, never saved again or deleted."""

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise ImmutableRecordError(f"{type(self).__name__} is immutable once issued.")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise ImmutableRecordError(f"{type(self).__name__} is immutable once issued.")

    class Meta:
        abstract = True

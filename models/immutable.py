"""Records that, once issued, never change (P5.E invoices and margin statements, P7.4 payments).

A correction is a new record that references the original; there is no update path: not
`save()` or `delete()` on a row, nor `update()`/`delete()`/`bulk_update()` on a queryset (each
immutable model's `Meta.manager` is `ImmutableManager`), and database triggers (migration
0004) refuse UPDATE and DELETE from any other client too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn, TypeVar

from tortoise.manager import Manager
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or delete an issued record."""


def _refuse(model: type[Model]) -> NoReturn:
    raise ImmutableRecordError(f"{model.__name__} is immutable once issued.")


class ImmutableQuerySet(QuerySet[M]):
    """A queryset that reads and creates, and refuses every bulk change."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model)

    def delete(self) -> NoReturn:
        _refuse(self.model)

    def bulk_update(self, objects: Iterable[M], *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self.model)


class ImmutableManager(Manager):
    """Set as `Meta.manager` of every Immutable model (Tortoise does not inherit Meta)."""

    def get_queryset(self) -> QuerySet[Any]:
        return ImmutableQuerySet(self._model)


class Immutable(Model):
    """A model whose rows can be created, never saved again or deleted."""

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            _refuse(type(self))
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        _refuse(type(self))

    class Meta:
        abstract = True

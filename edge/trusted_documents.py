"""Trusted documents: browser sessions may send only the operations the front end was built with.

`npm run build` writes `trusted-documents.json` next to the front end (web/scripts/
trusted-documents.mjs): the sha256 of each document's exact text → the document, its operation
name and the purpose it declares. With CRM_TRUSTED_DOCUMENTS on (the default in production), a
POST that came with the browser session cookie must carry one of those texts, byte for byte, or
it is refused with DOCUMENT_NOT_TRUSTED before the document is parsed: a stolen cookie cannot run
an arbitrary query. Bearer tokens are not browser sessions and send what they like; staff and
auditors' full sessions keep GraphiQL (it sends hand-written documents by the same cookie).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from graphql import EnumValueNode, GraphQLError, OperationDefinitionNode, parse

from auth.callers import Resolved
from directives.errors import ErrorCode
from directives.operations import INTROSPECTION_ROLES
from edge.environment import SettingsError
from edge.request_body import BadRequest
from models import Stage

MANIFEST = "trusted-documents.json"


@dataclass(frozen=True, slots=True)
class Trusted:
    operation_name: str | None
    purpose: str | None  # the @purpose(code:) the document declares; None: X-Purpose decides


def load(front_end: Path) -> dict[str, Trusted]:
    """The manifest, each entry checked against its own document (hash, name, purpose): a
    missing or doctored manifest stops the server rather than let every document through."""
    path = front_end / MANIFEST
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SettingsError(
            f"CRM_TRUSTED_DOCUMENTS is on but {path} cannot be read ({type(error).__name__}): "
            "build the front end (cd web && npm run build) or turn the setting off."
        ) from None
    if not isinstance(raw, dict) or not raw:
        raise SettingsError(f"{path}: expected an object of documents by sha256.")
    return {digest: _entry(path, digest, value) for digest, value in raw.items()}


def _entry(path: Path, digest: str, value: object) -> Trusted:
    if not isinstance(value, dict) or not isinstance(value.get("document"), str):
        raise SettingsError(f"{path}: entry {digest[:12]}… has no document.")
    document: str = value["document"]
    if sha256(document) != digest:
        raise SettingsError(f"{path}: entry {digest[:12]}… does not hash to its key.")
    try:
        operations = [
            d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
        ]
    except GraphQLError:
        raise SettingsError(f"{path}: entry {digest[:12]}… is not GraphQL.") from None
    if len(operations) != 1:
        raise SettingsError(f"{path}: entry {digest[:12]}… must hold one operation.")
    trusted = Trusted(
        operations[0].name.value if operations[0].name else None, declared_purpose(operations[0])
    )
    if (value.get("operationName"), value.get("purpose")) != (
        trusted.operation_name,
        trusted.purpose,
    ):
        raise SettingsError(f"{path}: entry {digest[:12]}… names another operation or purpose.")
    return trusted


def declared_purpose(operation: OperationDefinitionNode) -> str | None:
    for directive in operation.directives or ():
        if directive.name.value == "purpose":
            for argument in directive.arguments or ():
                if argument.name.value == "code" and isinstance(argument.value, EnumValueNode):
                    return argument.value.value
    return None


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def applies(resolved: Resolved | None) -> bool:
    """A browser session, except the full sessions of those GraphiQL serves."""
    if resolved is None or resolved.session is None or not resolved.session.browser:
        return False
    caller = resolved.caller
    return not (caller.stage is Stage.FULL and caller.role in INTROSPECTION_ROLES)


def check(manifest: dict[str, Trusted], query: str | None, header_purpose: str | None) -> None:
    """Raises BadRequest(403, DOCUMENT_NOT_TRUSTED) unless `query` is a manifest document sent
    under the purpose it was built with (an X-Purpose header may not name another)."""
    trusted = manifest.get(sha256(query)) if query is not None else None
    if trusted is None:
        raise BadRequest(
            "This session may send only the front end's own documents.",
            ErrorCode.DOCUMENT_NOT_TRUSTED,
            403,
        )
    if trusted.purpose is not None and header_purpose not in (None, trusted.purpose):
        raise BadRequest(
            "The document was built for another purpose.", ErrorCode.DOCUMENT_NOT_TRUSTED, 403
        )

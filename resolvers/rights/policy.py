"""Public queries (no login needed): the policy change log (P11), the privacy contact (P3.5)."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from directives import policy_versions
from schema.context import Info
from schema.rights.policy import PolicyVersion, PrivacyContact


@strawberry.type
class PolicyQuery:
    @strawberry.field(
        description="Versions of the privacy policy, newest first (P11); editorial ones only "
        "with includeEditorial."
    )
    def policy_versions(self, include_editorial: bool = False) -> list[PolicyVersion]:
        rows = (
            list(reversed(policy_versions.VERSIONS))
            if include_editorial
            else policy_versions.change_log()
        )
        return [PolicyVersion.from_row(v) for v in rows]

    @strawberry.field(description="The version of the privacy policy in force now.")
    def policy_version_in_force(self) -> PolicyVersion:
        return PolicyVersion.from_row(policy_versions.in_force(datetime.now(UTC)))

    @strawberry.field(description="The contact window for privacy questions (P3.5).")
    def privacy_contact(self, info: Info) -> PrivacyContact:
        return PrivacyContact.from_row(info.context.privacy_contact)

"""The audit log's checkpoints and proofs: for auditors, and for customers about their own
records (a receipt's auditRef can be proven). Roles come from the operation policy."""

from __future__ import annotations

import strawberry

from directives.errors import ErrorCode, PrivacyError
from resolvers.audit.scope import provable, sees_whole_records
from resolvers.scope import not_found
from schema.audit.proof import ConsistencyProof, InclusionProof, SignedCheckpoint
from schema.context import Info, caller_of
from tlog import proofs
from tlog.proofs import ProofUnavailable


def _unavailable(error: ProofUnavailable) -> PrivacyError:
    return PrivacyError(ErrorCode.PROOF_UNAVAILABLE, str(error))


@strawberry.type
class AuditProofQuery:
    @strawberry.field(description="A signed checkpoint of the audit log: of that tree size, "
                      "or the latest.")  # fmt: skip
    async def audit_checkpoint(self, tree_size: int | None = None) -> SignedCheckpoint:
        try:
            return SignedCheckpoint.from_model(await proofs.checkpoint(tree_size))
        except ProofUnavailable as error:
            raise _unavailable(error) from None

    @strawberry.field(description="Inclusion proof of an audit record (a receipt's auditRef) "
                      "in a signed checkpoint (default: the latest).")  # fmt: skip
    async def audit_inclusion_proof(
        self, info: Info, audit_ref: str, tree_size: int | None = None
    ) -> InclusionProof:
        caller = caller_of(info)
        request = await provable(caller, audit_ref)
        if request is None:
            raise not_found("audit record")
        try:
            proof = await proofs.inclusion(request, tree_size)
        except ProofUnavailable as error:
            raise _unavailable(error) from None
        return InclusionProof.of(audit_ref, proof, whole_record=sees_whole_records(caller))

    @strawberry.field(description="Consistency proof: the checkpoint of toSize (default: the "
                      "latest) extends the one of fromSize.")  # fmt: skip
    async def audit_consistency_proof(
        self, from_size: int, to_size: int | None = None
    ) -> ConsistencyProof:
        try:
            return ConsistencyProof.of(await proofs.consistency(from_size, to_size))
        except ProofUnavailable as error:
            raise _unavailable(error) from None

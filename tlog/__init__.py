"""The tamper-evident audit log: a Merkle tree over the audit records (RFC 9162), sequenced
off the request path, signed checkpoints, proofs and the verifier. The pure hashing, proof and
checkpoint functions are in `directives.merkle`, `directives.checkpoint` and
`directives.audit_record`; this package holds what touches the database and the files."""

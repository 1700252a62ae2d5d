"""Every column of every model, classified in one place: personal (P1, with its category), a
snapshot of personal values, or not personal (with the reason). Pure data, read beside
POLICY.md. `tests/directives/test_classification.py` reads the columns from the models
themselves and the fields from the built schema: a column missing here fails the suite, and a
GraphQL field that exposes a personal column must carry `@personal` with its category.

Free text a person can type is personal (FREE_TEXT) whatever it was meant for: it can hold
anything. Bank name and branch are typed by the person and, beside the holder's name, tell
where their account is: they are classified with the account holder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from directives.vocabulary import Category


class NotPersonal(NamedTuple):
    reason: str


class Snapshot(NamedTuple):
    """Holds personal values of several categories (past versions, P3.4): never exposed as
    one field, only value by value under each value's own category."""

    reason: str


Class = Category | NotPersonal | Snapshot

ID = NotPersonal("row identity")
REF = NotPersonal("reference to another row")
WHEN = NotPersonal("a time of the record, not of the person")
MONEY = NotPersonal("an amount of yen")
VERSION = NotPersonal("optimistic-lock counter")
STAFF_LOGIN = NotPersonal("an account's login ID: an identifier, not a P1 item")
CHOICE = NotPersonal("one of a fixed set of values")
SECRET = NotPersonal("a hash or an encrypted secret: never exposed")
OPERATOR_TEXT = NotPersonal("written by the operator for many readers, not about a person")
ADDRESS_LOG = NotPersonal("network address of a request (P6.1: the access log's own items)")
USE_CODE = NotPersonal("G, H or the code of a use the operator defined (P5)")
POLICY_VERSION = NotPersonal("a policy version label (P11)")
BANK = Category.BANK_ACCOUNT_HOLDER  # bank name and branch: typed by the person (see above)

_BANK_ACCOUNT: Mapping[str, Class] = {
    "bank_name": BANK,
    "bank_branch": BANK,
    "account_type": CHOICE,
    "account_number": Category.BANK_ACCOUNT_NUMBER,
    "account_holder": Category.BANK_ACCOUNT_HOLDER,
}

CLASSIFICATION: Mapping[str, Mapping[str, Class]] = {
    "Customer": {
        **_BANK_ACCOUNT,
        "id": ID,
        "name": Category.NAME,
        "name_kana": Category.NAME,
        "birth_date": Category.BIRTH_DATE,
        "postal_code": Category.POSTAL_CODE,
        "address": Category.ADDRESS,
        "phone": Category.PHONE,
        "fax": Category.FAX,
        "email": Category.EMAIL,
        "survey_opt_out": NotPersonal("consent state (P5), not a P1 item"),
        "marketing_opt_out": NotPersonal("consent state (P5), not a P1 item"),
        "version": VERSION,
        "created_at": WHEN,
        "updated_at": WHEN,
        "anonymised_at": WHEN,
        "agent_id": REF,
    },
    "CustomerVersion": {
        "id": ID,
        "version": VERSION,
        "values": Snapshot("a customer's previous values (P3.4)"),
        "changed_by": STAFF_LOGIN,
        "actor": CHOICE,
        "contact_id": REF,
        "changed_at": WHEN,
        "customer_id": REF,
    },
    "Agent": {
        **_BANK_ACCOUNT,
        "id": ID,
        "code": NotPersonal("the agent's business code"),
        "name": Category.NAME,
        "phone": Category.PHONE,
        "email": Category.EMAIL,
        "created_at": WHEN,
    },
    "Contact": {
        "id": ID,
        "name": Category.NAME,
        "department": Category.FREE_TEXT,
        "phone": Category.PHONE,
        "email": Category.EMAIL,
        "version": VERSION,
        "history": Snapshot("a contact's previous values (P3.4)"),
        "created_at": WHEN,
        "customer_id": REF,
    },
    "Account": {
        "id": ID,
        "login": STAFF_LOGIN,
        "role": CHOICE,
        "disabled": NotPersonal("account state"),
        "password_hash": SECRET,
        "password_changed_at": WHEN,
        "password_reminder": CHOICE,
        "must_change_password": NotPersonal("account state"),
        "totp_secret": SECRET,
        "totp_confirmed": NotPersonal("account state"),
        "totp_last_step": NotPersonal("replay counter"),
        "created_at": WHEN,
        "agent_id": REF,
        "customer_id": REF,
        "activation": CHOICE,
        "created_by": STAFF_LOGIN,
        "provider_id": REF,
    },
    # Identity binding (auth.binding): who asked, who approved, how the person took part.
    "AccountBinding": {
        "id": ID,
        "account_id": REF,
        "role": CHOICE,
        "subject_type": CHOICE,
        "subject_id": REF,
        "method": CHOICE,
        "requested_by": STAFF_LOGIN,
        "requested_at": WHEN,
        "approved_by": STAFF_LOGIN,
        "approved_at": WHEN,
        "channel": CHOICE,
        "code_hash": SECRET,
        "code_expires_at": WHEN,
        "notification_id": REF,
        "activated_at": WHEN,
    },
    # Four-eyes credential resets (auth.resets): whose, how, who asked and who approved.
    "CredentialReset": {
        "id": ID,
        "account_id": REF,
        "method": CHOICE,
        "second_factor": NotPersonal("whether the second factor goes too"),
        "requested_by": STAFF_LOGIN,
        "requested_at": WHEN,
        "approved_by": STAFF_LOGIN,
        "approved_at": WHEN,
        "sealed_part": SECRET,
        "open": NotPersonal("whether the reset waits for approval"),
    },
    # The notification outbox (notify/): in clear only whom, what kind, how delivery went.
    "Notification": {
        "id": ID,
        "kind": CHOICE,
        "channel": CHOICE,
        "recipient_type": CHOICE,
        "recipient_id": REF,
        "topic": NotPersonal("what a notice is about: a transfer's or an incident's id"),
        "sealed": Snapshot(
            "a message's address and contents (an e-mail or postal address, a code, a "
            "disclosure package's files), sealed with the deployment secret, erased once "
            "delivered or given up; never exposed"
        ),
        "state": CHOICE,
        "attempts": NotPersonal("a counter"),
        "last_error": NotPersonal("an exception class name, never its text"),
        "created_at": WHEN,
        "next_attempt_at": WHEN,
        "claimed_at": WHEN,
        "sent_at": WHEN,
    },
    "ApiToken": {
        "id": ID,
        "name": NotPersonal("a label the account holder gives a token"),
        "token_hash": SECRET,
        "role": CHOICE,
        "created_at": WHEN,
        "last_used_at": WHEN,
        "expires_at": WHEN,
        "revoked_at": WHEN,
        "account_id": REF,
    },
    "Session": {
        "id": ID,
        "token_hash": SECRET,
        "csrf_hash": SECRET,
        "stage": CHOICE,
        "browser": NotPersonal("whether the session travels in a cookie"),
        "created_at": WHEN,
        "last_seen_at": WHEN,
        "expires_at": WHEN,
        "revoked_at": WHEN,
        "account_id": REF,
    },
    "RecoveryCode": {"id": ID, "code_hash": SECRET, "used_at": WHEN, "account_id": REF},
    "LoginThrottle": {
        "key": NotPersonal("what a throttle counts (address, account, keyed hash of a login ID)"),
        "failures": NotPersonal("a counter"),
        "blocked_until": WHEN,
        "updated_at": WHEN,
    },
    "SecurityEvent": {
        "id": ID,
        "at": WHEN,
        "kind": CHOICE,
        "actor": STAFF_LOGIN,
        "account_id": REF,
        "client_address": ADDRESS_LOG,
        "detail": NotPersonal("a code naming what happened; never a value"),
        "role": CHOICE,
        "bound_subject": NotPersonal("the kind and id of a person's record ('customer:12')"),
        "requested_by": STAFF_LOGIN,
        "approved_by": STAFF_LOGIN,
    },
    "AccessLogEntry": {
        "id": ID,
        "at": WHEN,
        "host_name": ADDRESS_LOG,
        "client_address": ADDRESS_LOG,
        "browser": NotPersonal("a well-known browser name (P6.1)"),
        "os": NotPersonal("a well-known OS name (P6.1)"),
        "method": CHOICE,
        "path": NotPersonal("one of the server's own paths"),
        "status": NotPersonal("HTTP status"),
        "duration_ms": NotPersonal("a duration"),
    },
    "AuditRequest": {
        "id": ID,
        "request_id": NotPersonal("a random request id"),
        "at": WHEN,
        "actor": STAFF_LOGIN,
        "role": CHOICE,
        "purpose": CHOICE,
        "operation_name": NotPersonal("the client's name for its operation: a GraphQL name"),
        "client_address": ADDRESS_LOG,
        "policy_version": NotPersonal("a version label"),
        "named_use": NotPersonal("the code of a use outside A-H (P5), defined by the operator"),
        "entry_count": NotPersonal("a counter"),
        "leaf_hash": NotPersonal("a SHA-256 of an audit record (no values in it)"),
    },
    "AuditEntry": {
        "id": ID,
        "subject_type": CHOICE,
        "subject_id": REF,
        "type_name": NotPersonal("a GraphQL type name"),
        "fields_decisions": NotPersonal("field names and decisions, never values"),
        "request_id": REF,
    },
    "SubjectEntry": {  # AuditEntry's keys, by subject (models/by_subject.py)
        "id": ID,
        "subject_type": CHOICE,
        "subject_id": REF,
        "request_id": REF,
    },
    "AuditLeaf": {
        "seq": NotPersonal("the record's number in the audit log"),
        "request_id": REF,
        "leaf_hash": NotPersonal("a SHA-256 of an audit record (no values in it)"),
        "subtrees": NotPersonal("SHA-256 hashes of the Merkle tree"),
    },
    "AuditCheckpoint": {
        "id": ID,
        "tree_size": NotPersonal("a counter"),
        "root_hash": NotPersonal("a SHA-256 of the Merkle tree"),
        "at": WHEN,
        "note": NotPersonal("the signed checkpoint: log name, size, root hash, time"),
    },
    "Contract": {
        "id": ID,
        "plan": CHOICE,
        "monthly_fee": MONEY,
        "started_on": WHEN,
        "cancelled_on": WHEN,
        "created_at": WHEN,
        "agent_id": REF,
        "customer_id": REF,
    },
    "OptionService": {
        "id": ID,
        "code": NotPersonal("a catalogue code"),
        "name": OPERATOR_TEXT,
        "monthly_fee": MONEY,
        "provider": NotPersonal("a company's name (P4.2 provider), not a person"),
    },
    "OptionSubscription": {
        "id": ID,
        "started_on": WHEN,
        "cancelled_on": WHEN,
        "contract_id": REF,
        "option_id": REF,
    },
    "Invoice": {
        "id": ID,
        "period": WHEN,
        "issued_on": WHEN,
        "due_on": WHEN,
        "total": MONEY,
        "billing_name": Category.NAME,
        "billing_postal_code": Category.POSTAL_CODE,
        "billing_address": Category.ADDRESS,
        "credit": MONEY,
        "created_at": WHEN,
        "contract_id": REF,
        "corrects_id": REF,
        "customer_id": REF,
    },
    "InvoiceLine": {
        "id": ID,
        "kind": CHOICE,
        "description": Category.FREE_TEXT,  # a correction's reason is typed by billing staff
        "amount": MONEY,
        "invoice_id": REF,
        "option_id": REF,
    },
    "Payment": {
        "id": ID,
        "amount": MONEY,
        "received_on": WHEN,
        "method": CHOICE,
        "recorded_by": STAFF_LOGIN,
        "invoice_id": REF,
    },
    "MarginStatement": {
        "id": ID,
        "period": WHEN,
        "issued_on": WHEN,
        "total": MONEY,
        "agent_id": REF,
        "corrects_id": REF,
    },
    "MarginLine": {"id": ID, "amount": MONEY, "contract_id": REF, "statement_id": REF},
    "Payout": {
        **_BANK_ACCOUNT,
        "id": ID,
        "amount": MONEY,
        "paid_on": WHEN,
        "agent_id": REF,
        "statement_id": REF,
    },
    "Inquiry": {
        "id": ID,
        "kind": CHOICE,
        "subject": Category.FREE_TEXT,
        "status": CHOICE,
        "opened_at": WHEN,
        "customer_id": REF,
    },
    "InquiryMessage": {
        "id": ID,
        "author": CHOICE,
        "author_login": STAFF_LOGIN,
        "body": Category.FREE_TEXT,
        "at": WHEN,
        "inquiry_id": REF,
    },
    "Notice": {"id": ID, "title": OPERATOR_TEXT, "body": OPERATOR_TEXT, "published_at": WHEN},
    "Survey": {
        "id": ID,
        "title": OPERATOR_TEXT,
        "questions": OPERATOR_TEXT,
        "opens_on": WHEN,
        "closes_on": WHEN,
    },
    "SurveyResponse": {
        "id": ID,
        "answers": NotPersonal("numbers on a 1-5 scale, no typed text"),
        "answered_at": WHEN,
        "customer_id": REF,
        "survey_id": REF,
    },
    "Campaign": {
        "id": ID,
        "name": OPERATOR_TEXT,
        "channel": CHOICE,
        "created_at": WHEN,
        "built_at": WHEN,
        "built_by": STAFF_LOGIN,
    },
    "CampaignRecipient": {"id": ID, "campaign_id": REF, "customer_id": REF},
    "ResearchKey": {"id": ID, "secret": SECRET, "created_at": WHEN},
    "PrivacyBudget": {
        "account_id": REF,
        "spent_micro": NotPersonal("epsilon an analyst spent: a figure about the staff account"),
        "answers": NotPersonal("how many noisy answers an analyst received"),
        "updated_at": WHEN,
    },
    # The person's rights over time (P5, P7.3, P7.4, P11).
    "NamedUse": {
        "id": ID,
        "code": USE_CODE,
        "base": CHOICE,
        "description": OPERATOR_TEXT,
        "notice_text": OPERATOR_TEXT,
        "defined_by": STAFF_LOGIN,
        "defined_at": WHEN,
        "policy_version": POLICY_VERSION,
    },
    "ConsentRecord": {
        "id": ID,
        "customer_id": REF,
        "use": USE_CODE,
        "action": CHOICE,
        "at": WHEN,
        "channel": CHOICE,
        "policy_version": POLICY_VERSION,
        "notice_text": OPERATOR_TEXT,
        "recorded_by": STAFF_LOGIN,
        "recorded_role": CHOICE,
    },
    "ConsentInForce": {
        "id": ID,
        "customer_id": REF,
        "use": USE_CODE,
        "since": WHEN,
        "policy_version": POLICY_VERSION,
    },
    "RightsRequest": {
        "id": ID,
        "kind": CHOICE,
        "customer_id": REF,
        "reply_to": Category.EMAIL,
        "document": CHOICE,  # the kind of document only, never its number (P7.3)
        "checked_by": STAFF_LOGIN,
        "checked_at": WHEN,
        "received_at": WHEN,
        "due_at": WHEN,
        "fee": MONEY,
        "invoice_id": REF,
        "policy_version": POLICY_VERSION,
        "answered_at": WHEN,
        "answered_by": STAFF_LOGIN,
        "answer_summary": NotPersonal("counts per section and a digest of what was sent"),
        "answer_notification_id": REF,
        "answer_sent_at": WHEN,
    },
    "LegalHold": {
        "id": ID,
        "customer_id": REF,
        "reason": Category.FREE_TEXT,  # typed by staff: it may name anyone
        "placed_by": STAFF_LOGIN,
        "placed_at": WHEN,
        "released_at": WHEN,
    },
    "PurgeRecord": {
        "id": ID,
        "run_id": NotPersonal("a random run id"),
        "at": WHEN,
        "rule": CHOICE,
        "subject_type": CHOICE,
        "subject_id": REF,
        "action": CHOICE,
    },
    "Provider": {
        "id": ID,
        "name": NotPersonal("a company's name (P4.2 provider, P8.2 carrier), not a person"),
        "kind": CHOICE,
        "created_at": WHEN,
    },
    "Nda": {
        "id": ID,
        "reference": NotPersonal("the agreement's number"),
        "categories": NotPersonal("names of categories an agreement covers, never values"),
        "valid_from": WHEN,
        "valid_until": WHEN,
        "status": CHOICE,
        "ended_at": WHEN,
        "created_at": WHEN,
        "provider_id": REF,
    },
    "NdaOption": {"id": ID, "nda_id": REF, "option_id": REF},
    "ProvisionRecord": {
        "id": ID,
        "at": WHEN,
        "recipient": NotPersonal("a company's or an authority's name, not a person"),
        "items": NotPersonal("field names provided, never values"),
        "ground": CHOICE,
        "source": NotPersonal("which request, manifest or disclosure: ids only"),
        "keep_until": WHEN,
        "customer_id": REF,
        "provider_id": REF,
    },
    "DeliveryManifest": {
        "id": ID,
        "delivery": CHOICE,
        "produced_by": STAFF_LOGIN,
        "produced_at": WHEN,
        "person_count": NotPersonal("a counter"),
        "carrier_id": REF,
    },
    "Disclosure": {
        "id": ID,
        "ground": CHOICE,
        "requesting_party": NotPersonal("an authority's or a company's name, not a person"),
        "party_reference": NotPersonal("the requesting party's case or letter number"),
        "customer_ids": REF,
        "field_names": NotPersonal("field names asked for, never values"),
        "consent_sought": NotPersonal("whether consent was sought"),
        "requested_by": STAFF_LOGIN,
        "requested_at": WHEN,
        "status": CHOICE,
        "decided_by": STAFF_LOGIN,
        "decided_at": WHEN,
        "refusal_reason": CHOICE,
    },
    "BusinessTransfer": {
        "id": ID,
        "transferee": NotPersonal("a company's name, not a person"),
        "extent": CHOICE,
        "planned_on": WHEN,
        "status": CHOICE,
        "planned_by": STAFF_LOGIN,
        "last_notice_at": WHEN,
        "notices_sent": NotPersonal("a counter (of notices queued)"),
        "effective_at": WHEN,
    },
    "Incident": {
        "id": ID,
        "kind": CHOICE,
        "found_at": WHEN,
        "window_from": WHEN,
        "window_until": WHEN,
        "actor": STAFF_LOGIN,
        "affected_fields": NotPersonal("field names, never values"),
        "affected_customer_ids": REF,
        "sensitive": NotPersonal("a reporting criterion"),
        "financial_harm": NotPersonal("a reporting criterion"),
        "wrongful_intent": NotPersonal("a reporting criterion"),
        "reportable": NotPersonal("whether the incident must be reported"),
        "preliminary_due": WHEN,
        "final_due": WHEN,
        "recorded_by": STAFF_LOGIN,
        "notices_sent": NotPersonal("a counter (of notices queued)"),
        "notices_sent_at": WHEN,
    },
}


def personal_columns(model: str) -> dict[str, Category]:
    """The columns of `model` that hold one personal value each, with their category."""
    return {c: k for c, k in CLASSIFICATION.get(model, {}).items() if isinstance(k, Category)}

"""Past values of customers and contacts (P3.4), each version a personal-bearing object: the
enforcement point decides, masks and audits every version shown, as for current values."""

from __future__ import annotations

from datetime import datetime

import strawberry

from directives.personal import personal
from directives.scope import Subject
from directives.vocabulary import Category
from models.people import Actor
from rights.history import Version

strawberry.enum(Actor, description="Who changed a record (P3.4).")


def _camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type(description="Who made the change that began a version.")
class ChangeAuthor:
    actor: Actor
    login: str | None = strawberry.field(description="The account that made the change.")
    contact_id: strawberry.ID | None = strawberry.field(
        description="For CONTACT: the contact who asked for it, through the holder (P7.2)."
    )


@strawberry.interface(description="When a version began, who began it, what it changed.")
class VersionInfo:
    version: int
    began_at: datetime | None = strawberry.field(
        description="When this version began (the record's creation for version 1)."
    )
    changed_by: ChangeAuthor | None = strawberry.field(description="None for version 1.")
    changed_fields: list[str] = strawberry.field(
        description="Fields of this type whose value this version changed."
    )


def _info(version: Version) -> dict[str, object]:
    contact = strawberry.ID(str(version.contact_id)) if version.contact_id else None
    author = (
        ChangeAuthor(actor=version.actor, login=version.login, contact_id=contact)
        if version.actor
        else None
    )
    return {
        "version": version.number,
        "began_at": version.began_at,
        "changed_by": author,
        "changed_fields": [_camel(c) for c in version.changed],
    }


@strawberry.type(description="A version of a customer record, current or past (P3.4).")
class CustomerVersion(VersionInfo):
    name: str | None = personal(Category.NAME)
    name_kana: str | None = personal(Category.NAME)
    birth_date: str | None = personal(Category.BIRTH_DATE)
    postal_code: str | None = personal(Category.POSTAL_CODE)
    address: str | None = personal(Category.ADDRESS)
    phone: str | None = personal(Category.PHONE)
    fax: str | None = personal(Category.FAX)
    email: str | None = personal(Category.EMAIL)
    bank_name: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    bank_branch: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    account_type: str | None
    account_number: str | None = personal(Category.BANK_ACCOUNT_NUMBER)
    account_holder: str | None = personal(Category.BANK_ACCOUNT_HOLDER)
    survey_opt_out: bool | None
    marketing_opt_out: bool | None
    subject: strawberry.Private[Subject]  # the customer's, with its consent (P5)

    def privacy_subject(self) -> Subject:
        return self.subject

    @classmethod
    def build(cls, version: Version, *, subject: Subject) -> CustomerVersion:
        v = version.values
        return cls(
            **_info(version),  # type: ignore[arg-type]
            name=v.get("name"),
            name_kana=v.get("name_kana"),
            birth_date=v.get("birth_date"),
            postal_code=v.get("postal_code"),
            address=v.get("address"),
            phone=v.get("phone"),
            fax=v.get("fax"),
            email=v.get("email"),
            bank_name=v.get("bank_name"),
            bank_branch=v.get("bank_branch"),
            account_type=v.get("account_type"),
            account_number=v.get("account_number"),
            account_holder=v.get("account_holder"),
            survey_opt_out=v.get("survey_opt_out"),
            marketing_opt_out=v.get("marketing_opt_out"),
            subject=subject,
        )


@strawberry.type(description="A version of a contact kept under a customer (P3.4, P7.2).")
class ContactVersion(VersionInfo):
    name: str | None = personal(Category.NAME)
    department: str | None = personal(Category.FREE_TEXT)
    phone: str | None = personal(Category.PHONE)
    email: str | None = personal(Category.EMAIL)
    subject: strawberry.Private[Subject]  # the contact's, with its holder's consent (P5)

    def privacy_subject(self) -> Subject:
        return self.subject

    @classmethod
    def build(cls, version: Version, *, subject: Subject) -> ContactVersion:
        v = version.values
        return cls(
            **_info(version),  # type: ignore[arg-type]
            name=v.get("name"),
            department=v.get("department"),
            phone=v.get("phone"),
            email=v.get("email"),
            subject=subject,
        )

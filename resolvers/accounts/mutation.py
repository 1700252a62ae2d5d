"""Login, two-factor and account self-service as GraphQL mutations (P4.4, P7.1).

Each step answers with a new session: a bearer token in the body for TOKEN clients, or an
HttpOnly SameSite=Strict cookie plus a CSRF token for BROWSER clients.
"""

from __future__ import annotations

import strawberry

from auth import admin, enrolment, service
from auth.attempt import Attempt, AuthConfig
from auth.events import Kind
from auth.sessions import Opened, revoke, revoke_all
from directives.errors import ErrorCode, PrivacyError
from models import Account, Activation, Reminder, Role, Session
from resolvers.accounts.cookies import clear_session_cookies, set_session_cookies
from schema.accounts.auth_types import (
    ClientKind,
    LoginResult,
    NewAccount,
    NewApiToken,
    TotpConfirmation,
    TotpEnrolment,
)
from schema.context import Info, caller_of
from schema.page import parse_row_id


def _config(info: Info) -> AuthConfig:
    if info.context.auth is None:
        raise PrivacyError(ErrorCode.LOGIN_FAILED, "Login is not available here.")
    return info.context.auth


def attempt_of(info: Info) -> Attempt:
    return Attempt(config=_config(info), client_address=info.context.client_address)


def one_attempt(info: Info) -> Attempt:
    """One credential check per request: aliases cannot multiply password or TOTP guesses."""
    info.context.auth_attempts += 1
    if info.context.auth_attempts > 1:
        raise PrivacyError(ErrorCode.ONE_AUTH_ATTEMPT_PER_REQUEST, "One login attempt per request.")
    return attempt_of(info)


def _session(info: Info) -> Session:
    session = info.context.session
    if session is None:
        raise PrivacyError(ErrorCode.FORBIDDEN, "This needs a login session, not an API token.")
    return session


def _answer(info: Info, opened: Opened) -> LoginResult:
    """Cookies for browser sessions, the token in the body otherwise."""
    session = opened.session
    if session.browser:
        set_session_cookies(info.context, opened)
    return LoginResult(
        stage=session.stage,
        expires_at=session.expires_at,
        token=None if session.browser else opened.token,
        csrf_token=opened.csrf if session.browser else None,
    )


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Password step of login (P4.4). Same error for an "
        "unknown login ID and a wrong password."
    )
    async def login(
        self, info: Info, login: str, password: str, client: ClientKind = ClientKind.TOKEN
    ) -> LoginResult:
        attempt = one_attempt(info)
        opened = await service.login(
            attempt, login_id=login, password=password, browser=client is ClientKind.BROWSER
        )
        return _answer(info, opened)

    @strawberry.mutation(description="Second step: a TOTP code, or one recovery code.")
    async def verify_totp(
        self, info: Info, code: str | None = None, recovery_code: str | None = None
    ) -> LoginResult:
        attempt = one_attempt(info)
        opened = await service.verify_totp(
            attempt, _session(info), code=code, recovery_code=recovery_code
        )
        return _answer(info, opened)

    @strawberry.mutation(
        description="Start TOTP enrolment: a fresh secret as a QR code. From a full session, "
        "give your password again."
    )
    async def enrol_totp(self, info: Info, password: str | None = None) -> TotpEnrolment:
        started = await enrolment.begin_enrolment(
            one_attempt(info), _session(info), password=password
        )
        return TotpEnrolment(otpauth_uri=started.uri, qr_svg=started.svg)

    @strawberry.mutation(description="Activate TOTP with a first valid code.")
    async def confirm_totp(self, info: Info, code: str) -> TotpConfirmation:
        opened, codes = await enrolment.confirm_enrolment(
            one_attempt(info), _session(info), code=code
        )
        return TotpConfirmation(
            recovery_codes=codes, login=_answer(info, opened) if opened else None
        )

    @strawberry.mutation(
        description="Turn TOTP off (or restart enrolment where it is "
        "mandatory): needs the password and a code or a recovery code."
    )
    async def reset_totp(
        self,
        info: Info,
        password: str,
        code: str | None = None,
        recovery_code: str | None = None,
    ) -> LoginResult | None:
        opened = await enrolment.reset_totp(
            one_attempt(info),
            _session(info),
            password=password,
            code=code,
            recovery_code=recovery_code,
        )
        return _answer(info, opened) if opened else None

    @strawberry.mutation(description="Needs the current password; ends your other sessions.")
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> LoginResult | None:
        opened = await service.change_password(
            one_attempt(info), _session(info), current=current_password, new=new_password
        )
        return _answer(info, opened) if opened else None

    @strawberry.mutation(description="End this session on the server.")
    async def logout(self, info: Info) -> bool:
        attempt, session = attempt_of(info), _session(info)
        await revoke(session.id, attempt.now)
        await attempt.event(Kind.SESSION_REVOKED, await Account.get(id=session.account_id))
        clear_session_cookies(info.context)
        return True

    @strawberry.mutation(description="End every other session of your account.")
    async def logout_other_sessions(self, info: Info) -> int:
        attempt, session = attempt_of(info), _session(info)
        count = await revoke_all(session.account_id, attempt.now, keep=session.id)
        await attempt.event(
            Kind.SESSION_REVOKED, await Account.get(id=session.account_id), detail="others"
        )
        return count

    @strawberry.mutation(description="Remind me to change my password (P4.4); never forced.")
    async def set_password_reminder(self, info: Info, reminder: Reminder) -> Reminder:
        await Account.filter(id=caller_of(info).account_id).update(password_reminder=reminder)
        return reminder

    @strawberry.mutation(
        description="A named token for an integration, scoped to your role. Give your "
        "password again (and a TOTP code if enrolled). Expires after `days` (1-365)."
    )
    async def create_api_token(
        self, info: Info, name: str, password: str, code: str | None = None, days: int = 90
    ) -> NewApiToken:
        _session(info)  # tokens are made from a login session, not by other tokens
        account = await Account.get(id=caller_of(info).account_id)
        token = await admin.create_api_token(
            one_attempt(info), account, name, password=password, code=code, days=days
        )
        return NewApiToken(name=name, token=token)

    @strawberry.mutation
    async def revoke_api_token(self, info: Info, name: str) -> bool:
        account = await Account.get(id=caller_of(info).account_id)
        await admin.revoke_api_token(attempt_of(info), account, name)
        return True

    @strawberry.mutation(
        description="Staff: an account with a first password it must change at first login. "
        "Customer or agent: a request to bind a login to that person (no password; another "
        "administrator approves, the person activates it).",
    )
    async def create_account(
        self,
        info: Info,
        login: str,
        role: Role,
        customer_id: strawberry.ID | None = None,
        agent_id: strawberry.ID | None = None,
    ) -> NewAccount:
        password = await admin.create_account(
            attempt_of(info),
            admin=caller_of(info).login,
            login_id=login,
            role=role,
            customer_id=_optional_id(customer_id),
            agent_id=_optional_id(agent_id),
        )
        # No password: a login bound to a person, awaiting a second administrator.
        activation = Activation.ACTIVE if password else Activation.AWAITING_APPROVAL
        return NewAccount(login=login, initial_password=password, activation=activation)

    @strawberry.mutation(
        description="Disabling ends all the account's sessions.",
    )
    async def set_account_disabled(self, info: Info, login: str, disabled: bool) -> bool:
        await admin.set_disabled(
            attempt_of(info), admin=caller_of(info).login, login_id=login, disabled=disabled
        )
        return True

    @strawberry.mutation(
        description="Suspected compromise: end its sessions and force a password change.",
    )
    async def flag_compromised(self, info: Info, login: str) -> bool:
        await admin.flag_compromised(attempt_of(info), admin=caller_of(info).login, login_id=login)
        return True


def _optional_id(value: strawberry.ID | None) -> int | None:
    return parse_row_id(value) if value is not None else None

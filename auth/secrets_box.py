"""The deployment secret: encrypts TOTP secrets at rest and keys recovery-code hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    """Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from the deployment secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < 32:
            raise ValueError("the deployment secret must be at least 32 characters")
        digest = hashlib.sha256(b"crm/fernet/" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))
        self._mac_key = hashlib.sha256(b"crm/hmac/" + secret.encode()).digest()

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise ValueError("sealed value does not open with this deployment secret") from None

    def mac(self, value: str) -> str:
        return hmac.new(self._mac_key, value.encode(), hashlib.sha256).hexdigest()

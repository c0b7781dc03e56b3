"""Symmetric encryption for secrets kept in the database (robot signing secrets, credentials).

The key is ``settings.CREDENTIALS_KEY``, a string kept outside the database; a Fernet key is
derived from it as ``urlsafe_b64encode(sha256(key))``. Tokens are Fernet tokens (AES-128-CBC
with HMAC-SHA256), so a changed or foreign token fails loudly instead of decrypting to junk.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet() -> Fernet:
    key = settings.CREDENTIALS_KEY
    if not key:
        raise RuntimeError("settings.CREDENTIALS_KEY is empty")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    """Encrypt a text; returns an ASCII token safe to store in a text column."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made by ``encrypt``; raises ``InvalidToken`` if it was not."""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")

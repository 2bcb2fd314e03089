"""Access tokens: real HS256 JSON Web Tokens (RFC 7519) signed with a per-app secret.

Hustle's tokens are JWTs valid 7200 s with no refresh token. A client must treat them as
opaque; signing them here makes a forged or edited token detectable (bad signature -> 401),
and keeping the issued ids lets ``/_simulator/reset`` revoke every outstanding token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

import orjson

from gateway.simulators.hustle.errors import HustleError
from gateway.simulators.kit import Clock

ISSUER = "https://api.hustle.com"
SCOPE = "read:account write:account"
DEFAULT_TTL = 7200
_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Mints and checks bearer tokens against ``clock``; ``ttl`` is the lifetime in seconds."""

    def __init__(self, clock: Clock, ttl: float = DEFAULT_TTL) -> None:
        self.ttl = ttl
        self._clock = clock
        self._secret = secrets.token_bytes(32)
        self._issued: set[str] = set()
        self._expired: set[str] = set()

    def issue(self, subject: str) -> str:
        now = self._clock.now().timestamp()
        jti = str(uuid.uuid4())
        claims = {
            "iss": ISSUER,
            "sub": subject,
            "scope": SCOPE,
            "iat": int(now),
            "exp": round(now + self.ttl, 3),
            "jti": jti,
        }
        signing_input = f"{_b64(orjson.dumps(_HEADER))}.{_b64(orjson.dumps(claims))}"
        self._issued.add(jti)
        return f"{signing_input}.{_b64(self._sign(signing_input))}"

    def verify(self, token: str) -> None:
        """Raise a 401 HustleError unless ``token`` is one we issued and it has not expired."""
        claims = self._claims(token)
        if claims.get("jti") not in self._issued:
            raise HustleError(401, "Invalid access token")
        exp = claims.get("exp")
        if (
            claims["jti"] in self._expired
            or not isinstance(exp, int | float)
            or self._clock.now().timestamp() >= exp
        ):
            raise HustleError(401, "Access token expired")

    def revoke_all(self) -> None:
        self._issued.clear()
        self._expired.clear()

    def expire_all(self) -> None:
        """Expire every token issued so far, as if its ``exp`` had passed (kit fault hook)."""
        self._expired |= self._issued

    def _claims(self, token: str) -> dict[str, object]:
        parts = token.split(".")
        if len(parts) != 3:
            raise HustleError(401, "Invalid access token")
        signing_input = f"{parts[0]}.{parts[1]}"
        try:
            signature = _unb64(parts[2])
            claims = orjson.loads(_unb64(parts[1]))
        except ValueError:
            raise HustleError(401, "Invalid access token") from None
        if not hmac.compare_digest(signature, self._sign(signing_input)):
            raise HustleError(401, "Invalid access token")
        if not isinstance(claims, dict):
            raise HustleError(401, "Invalid access token")
        return claims

    def _sign(self, signing_input: str) -> bytes:
        return hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()

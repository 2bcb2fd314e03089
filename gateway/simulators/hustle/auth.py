"""``POST /v3/oauth/token`` and the bearer-token check every resource route runs first.

Status choices (the spec documents no error responses for the token endpoint):
- malformed body, wrong ``grant_type``, missing or extra keys: 400;
- wrong ``client_id``/``client_secret``: 401;
- a caller under a lockout block: 401 as well, even with the right credentials. The vendor
  puts lockout next to bad credentials ("never retry a token request that failed with
  400/401"); a 429 would invite exactly the retries that extend a lockout.
Every one of these is a failed attempt and counts toward the lockout.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hustle import bodies
from gateway.simulators.hustle.context import CLIENT_ID, CLIENT_SECRET, Context
from gateway.simulators.hustle.errors import HustleError, json_response
from gateway.simulators.hustle.payloads import TokenResponse
from gateway.simulators.hustle.tokens import SCOPE

BLOCKED = "Too many failed attempts to create an access token. Try again later."


def client_ip(request: Request) -> str:
    client = request.scope.get("client")
    return str(client[0]) if client else "unknown"


def _account(raw: bytes) -> str:
    """The client_id a request names, if any: the short lockout is per (ip, account)."""
    try:
        body = bodies.json_object(raw)
    except HustleError:
        return ""
    client_id = body.get("client_id")
    return client_id if isinstance(client_id, str) else ""


def add_token_route(app: FastAPI, ctx: Context) -> None:
    @app.post("/v3/oauth/token")
    async def create_token(request: Request) -> Response:
        raw = await request.body()
        ip, account = client_ip(request), _account(raw)
        if ctx.lockout.blocked(ip, account):
            ctx.lockout.fail(ip, account)
            raise HustleError(401, BLOCKED)
        try:
            creds = bodies.token_request(raw)
            if (creds.client_id, creds.client_secret) != (CLIENT_ID, CLIENT_SECRET):
                raise HustleError(401, "Invalid client credentials")
        except HustleError:
            ctx.lockout.fail(ip, account)
            raise
        ctx.lockout.succeed(ip, account)
        body: TokenResponse = {
            "access_token": ctx.tokens.issue(creds.client_id),
            "scope": SCOPE,
            "expires_in": ctx.tokens.ttl,
            "token_type": "Bearer",
        }
        return json_response(body)


async def require_token(ctx: Context, request: Request) -> None:
    """401 unless the request carries a valid, unexpired bearer token; then the 25 rps limit."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HustleError(401, "Missing access token")
    ctx.tokens.verify(token.strip())
    # The vendor documents no status or header for this; 429 without Retry-After (sheet, [INF]).
    if ctx.window.hit() is not None:
        raise HustleError(429, "Rate limit exceeded")

"""Bearer-token check for every call except health probes (load balancers probe without secrets)."""
from __future__ import annotations

import hmac

import grpc

OPEN_METHODS = ("/grpc.health.v1.Health/",)


def _reject(message: str):
    async def abort(request, context):
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
    return grpc.unary_unary_rpc_method_handler(abort)


class TokenInterceptor(grpc.aio.ServerInterceptor):
    """Requires metadata `authorization: Bearer <token>` (constant-time comparison)."""

    def __init__(self, token: str):
        self._expected = f"Bearer {token}".encode()

    async def intercept_service(self, continuation, details):
        if details.method.startswith(OPEN_METHODS):
            return await continuation(details)
        sent = dict(details.invocation_metadata or ()).get("authorization")
        if sent is None:
            return _reject("missing token: send metadata 'authorization: Bearer <token>'")
        if not hmac.compare_digest(str(sent).encode(), self._expected):
            return _reject("wrong token")
        return await continuation(details)

"""The gate in front of the API: RFC 9457 problem responses, a per-client rate limit,
bearer keys, and request body checks (size, content type), as one ASGI middleware."""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable, Collection, Mapping
from http import HTTPStatus

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PROBLEM_MEDIA_TYPE = "application/problem+json"
SECONDS_PER_MINUTE = 60.0
# Beyond this many tracked clients, buckets that have refilled completely are dropped
# (they are indistinguishable from a new client), so memory follows recent traffic only.
MAX_TRACKED_CLIENTS = 10_000


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str


def problem_response(status: int, detail: str, instance: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, instance=instance)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


class RateLimiter:
    """Token bucket per client: a burst of `per_minute` requests, refilled evenly over a
    minute. Thread-safe; `per_minute <= 0` turns it off."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / SECONDS_PER_MINUTE
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when counted)
        self._lock = threading.Lock()

    def wait_seconds(self, client: str) -> float:
        """Take one request from `client`'s bucket: 0.0 when allowed, else the seconds
        until the next request would be."""
        if self.capacity <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, counted = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - counted) * self.refill_per_second)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return (1.0 - tokens) / self.refill_per_second
            self._buckets[client] = (tokens - 1.0, now)
            if len(self._buckets) > MAX_TRACKED_CLIENTS:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        full_after = self.capacity / self.refill_per_second
        for client, (_tokens, counted) in list(self._buckets.items()):
            if now - counted >= full_after:
                del self._buckets[client]


class KeyChecker:
    """Bearer keys compared by SHA-256 digest in constant time; the keys themselves are
    not kept, so they cannot leak into a log or a repr. `keys` may do everything; a key
    `granted` knows (by its SHA-256, hex) may use the collections it maps to "read" or
    "write" (the library's keys)."""

    def __init__(
        self,
        keys: frozenset[str],
        granted: Callable[[str], dict[str, str] | None] | None = None,
        any_granted: Callable[[], bool] | None = None,
    ) -> None:
        self._digests = [hashlib.sha256(key.encode()).digest() for key in sorted(keys)]
        self._granted = granted
        self._any_granted = any_granted

    @property
    def enabled(self) -> bool:
        return bool(self._digests) or bool(self._any_granted and self._any_granted())

    def client_id(self, authorization: str | None) -> str | None:
        """A stable, non-secret id for a valid `Authorization: Bearer <key>`, else None."""
        digest = _bearer_digest(authorization)
        if digest is None:
            return None
        return "key:" + digest.hex()[:16] if self._is_full(digest) or self._grants(digest) is not None else None

    def grants(self, authorization: str | None) -> dict[str, str] | None:
        """What the request may use: None for everything (a full key, or no keys at all),
        else its key's grants ({} for no valid key)."""
        if not self.enabled:
            return None
        digest = _bearer_digest(authorization)
        if digest is None:
            return {}
        if self._is_full(digest):
            return None
        return self._grants(digest) or {}

    def _is_full(self, digest: bytes) -> bool:
        matched = False
        for known in self._digests:
            matched |= hmac.compare_digest(digest, known)
        return matched

    def _grants(self, digest: bytes) -> dict[str, str] | None:
        return self._granted(digest.hex()) if self._granted is not None else None


def _bearer_digest(authorization: str | None) -> bytes | None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return hashlib.sha256(token.strip().encode("utf-8", "replace")).digest()


class RequestGate:
    """ASGI middleware. Under `protected_prefix`: rate limit (429) -> bearer key (401) ->
    JSON content type on POSTs to `json_paths`, PDF on POSTs to `pdf_paths` (415); for
    every request: body size (413; `max_body_bytes`, or a `pdf_paths` path's own limit).
    Adds `X-Content-Type-Options: nosniff` to every response."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: RateLimiter,
        keys: KeyChecker,
        max_body_bytes: int,
        protected_prefix: str,
        json_paths: Collection[str],
        pdf_paths: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.pdf_paths = dict(pdf_paths or {})
        self.limiter = limiter
        self.keys = keys
        self.max_body_bytes = max_body_bytes
        self.protected_prefix = protected_prefix
        self.json_paths = frozenset(json_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        rejection = self._check_headers(scope)
        if rejection is None:
            limit = self._limit(scope)
            messages, too_big = await self._read_body(receive, limit)
            if too_big:
                rejection = problem_response(413, f"the request body exceeds {limit} bytes", scope["path"])
            else:
                receive = _replay(messages, receive)
        if rejection is not None:
            await rejection(scope, receive, send_hardened)
            return
        await self.app(scope, receive, send_hardened)

    def _check_headers(self, scope: Scope) -> Response | None:
        headers = Headers(scope=scope)
        path = _route_path(scope)
        if path.startswith(self.protected_prefix) and scope["method"] != "OPTIONS":
            key_client = self.keys.client_id(headers.get("authorization")) if self.keys.enabled else None
            client = key_client or "ip:" + (scope["client"][0] if scope.get("client") else "unknown")
            wait = self.limiter.wait_seconds(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                detail = f"rate limit exceeded; retry in {seconds} s"
                return problem_response(429, detail, path, {"Retry-After": str(seconds)})
            if self.keys.enabled and key_client is None:
                error = ', error="invalid_token"' if headers.get("authorization") else ""
                challenge = {"WWW-Authenticate": f'Bearer realm="deckqa"{error}'}
                return problem_response(
                    401, "a valid bearer key is required (Authorization: Bearer <key>)", path, challenge
                )
            repeated = _repeated_parameter(scope)
            if repeated:
                return problem_response(422, f"query parameter {repeated[:40]!r} is given more than once", path)
            if path in self.json_paths and scope["method"] == "POST" and not _is_json(headers.get("content-type")):
                return problem_response(415, "send the request body as application/json", path)
            if path in self.pdf_paths and scope["method"] == "POST" and not _is_pdf(headers.get("content-type")):
                return problem_response(415, "send the PDF as the request body, as application/pdf", path)
        declared = headers.get("content-length")
        limit = self._limit(scope)
        if declared is not None:
            if not declared.strip().isdigit():
                return problem_response(400, "invalid Content-Length header", path)
            if int(declared) > limit:
                return problem_response(413, f"the request body exceeds {limit} bytes", path)
        return None

    def _limit(self, scope: Scope) -> int:
        if scope["method"] == "POST":
            return self.pdf_paths.get(_route_path(scope), self.max_body_bytes)
        return self.max_body_bytes

    async def _read_body(self, receive: Receive, limit: int) -> tuple[list[Message], bool]:
        """Read the whole body up front (at most `limit` bytes): (messages, too big)."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages, False
            size += len(message.get("body", b""))
            if size > limit:
                return messages, True
            if not message.get("more_body", False):
                return messages, False


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _repeated_parameter(scope: Scope) -> str:
    """A query parameter given twice ("?collection=a&collection=b"): no parameter here is a list."""
    from urllib.parse import parse_qsl

    names = [name for name, _ in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)]
    return next((name for name in names if names.count(name) > 1), "")


def _is_pdf(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == "application/pdf"


def _is_json(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))

"""The HTTP API (`python -m qa serve`): ask, slides, deck, health, and the embeddable widget.

`create_app(settings, deck)` builds the FastAPI app; `run_server` checks the bind address
and runs it under uvicorn. Every error is an RFC 9457 problem (`application/problem+json`)
with no internals in it. Requests to `/v1/...` pass a gate first: rate limit, bearer key
(when `DECKQA_API_KEYS` is set), body size and content type.
"""

from __future__ import annotations

import ipaddress
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from ingest.errors import DeckQAError
from interfaces.server_gate import PROBLEM_MEDIA_TYPE, KeyChecker, Problem, RateLimiter, RequestGate, problem_response
from interfaces.server_library import (
    COLLECTION_PATTERN,
    DOCUMENT_ID_PATTERN,
    DOCUMENTS_PATH,
    add_library_routes,
    documents_for,
    grants,
)
from interfaces.slide_images import render_page_png
from qa.answer import Answer
from qa.deckqa import DeckQA
from qa.settings import REPO_ROOT, Settings
from understand.question import MAX_QUESTION_CHARS

logger = logging.getLogger("interfaces.server")

API_PREFIX = "/v1/"
ASK_PATH = "/v1/ask"
WIDGET_DIR = REPO_ROOT / "web"
EXIT_USAGE = 2
# A question (1,000 chars) plus a few turns of history fits in a few KB; 16 KB leaves room
# for a long conversation while bounding what one request can make the server read.
MAX_BODY_BYTES = 16 * 1024
# The follow-up rewriter only looks at the last user turn; 20 turns is a generous chat.
MAX_HISTORY_TURNS = 20
# A long assistant answer (a bulleted slide summary) runs to ~1,500 chars; 4,000 is ample.
MAX_TURN_CHARS = 4000
# Documents one question may name.
MAX_ASKED_DOCUMENTS = 50
# Slides are 960x540 pt; 1,600 px wide is sharp in an 800 px overlay on a 2x screen
# (~200 KB per PNG, ~0.1 s to render).
SLIDE_PNG_WIDTH = 1600
# More entries than the bundled deck has slides, so each renders once (~10 MB in all).
SLIDE_PNG_CACHE = 64


# ---------------------------------------------------------------- request and response bodies


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)

    @field_validator("content")
    @classmethod
    def _encodable(cls, content: str) -> str:
        return _utf8_text(content)


NOT_ONLY_WHITESPACE = r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "What was operating income in 1Q-3Q15?", "history": []}]},
    )

    # At least one character that is not whitespace to Python's str.split(), spelled out:
    # JSON Schema's \s differs from Python's (no \x1c-\x1f separators, no \x85, but \ufeff),
    # so the schema says exactly what `validate_question` accepts.
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=NOT_ONLY_WHITESPACE)
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS)
    documents: list[Annotated[str, Field(pattern=DOCUMENT_ID_PATTERN)]] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ASKED_DOCUMENTS,
        description="library documents to answer from (ids); default: the served deck, or a library key's documents",
    )
    collection: str | None = Field(
        default=None, pattern=COLLECTION_PATTERN, description="answer from this library collection's documents"
    )

    @field_validator("question")
    @classmethod
    def _encodable(cls, question: str) -> str:
        return _utf8_text(question)


def _utf8_text(text: str) -> str:
    """Reject lone surrogates (valid in JSON escapes, not in UTF-8): the answer echoes the question."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return text


class SlideText(BaseModel):
    number: int
    title: str
    text: str


class SlideSummary(BaseModel):
    number: int
    title: str


class DeckSummary(BaseModel):
    title: str
    slides: list[SlideSummary]
    manifest: dict[str, Any] = Field(description="how the index was built: deck hash, model, counts, build time")


class Health(BaseModel):
    status: Literal["ok"] = "ok"


# ---------------------------------------------------------------- problems


def _validation_detail(errors: Sequence[Any]) -> str:
    """`body.question: String should have at most 1000 characters` (inputs are never echoed)."""
    parts = []
    for error in list(errors)[:3]:
        location = ".".join(str(part) for part in error.get("loc", ()))
        parts.append(f"{location}: {error.get('msg', 'invalid')}" if location else str(error.get("msg", "invalid")))
    more = len(errors) - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _allowed_methods(app: FastAPI, scope: Any) -> list[str]:
    from starlette.routing import Match

    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "GET"})
        if match != Match.NONE and getattr(route, "methods", None):
            methods |= set(route.methods)
    return sorted(methods)


def _install_error_handlers(app: FastAPI) -> None:
    async def on_validation_error(request: Request, error: Exception) -> Response:
        errors = error.errors() if isinstance(error, RequestValidationError) else []
        return problem_response(422, _validation_detail(errors) or "invalid request", request.url.path)

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        detail = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).description
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Every route on the path counts (GET and POST of /v1/documents are two routes).
            headers["Allow"] = ", ".join(_allowed_methods(request.app, request.scope))
        return problem_response(error.status_code, detail, request.url.path, headers)

    async def on_user_error(request: Request, error: Exception) -> Response:
        # Any DeckQAError is something the caller can fix (a bad question, mostly).
        return problem_response(422, str(error), request.url.path)

    async def on_unexpected_error(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "the server failed to answer; the error has been logged", request.url.path)

    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(DeckQAError, on_user_error)
    app.add_exception_handler(Exception, on_unexpected_error)


# ---------------------------------------------------------------- slide images


class SlideImages:
    """PNG renderings of the deck's pages, cached in memory."""

    def __init__(self, pdf_path: Path) -> None:
        self.pdf_path = pdf_path
        self.png: Callable[[int], bytes] = lru_cache(maxsize=SLIDE_PNG_CACHE)(self._render)

    def close(self) -> None:
        self.png.cache_clear()  # type: ignore[attr-defined]

    def _render(self, number: int) -> bytes:
        return render_page_png(self.pdf_path, number, width=SLIDE_PNG_WIDTH)


# ---------------------------------------------------------------- the app


def create_app(settings: Settings, deck: DeckQA | None = None) -> FastAPI:
    """The API over `deck` (loaded from `settings` at startup when not given)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from anyio import to_thread

        from library.ask import LibraryQA
        from library.store import open_library

        library.append(LibraryQA(open_library(settings.library), settings))
        app.state.library = library[0]
        app.state.deck = deck if deck is not None else await to_thread.run_sync(DeckQA.load, settings)
        # The first request answers as fast as the next ones.
        await to_thread.run_sync(app.state.deck.warm_up)
        app.state.slide_images = SlideImages(app.state.deck.index.pdf_path)
        yield
        app.state.slide_images.close()

    # The library opens when the app starts; until then no library key is known.
    library: list[Any] = []
    keys = KeyChecker(
        settings.server.api_key_set(),
        granted=lambda digest: library[0].library.grants(digest) if library else None,
        any_granted=lambda: bool(library) and library[0].library.has_keys(),
    )
    app = FastAPI(
        title="Deck Q&A API",
        version="1",
        summary="Questions about the investor deck in, short answers cited to slides out.",
        lifespan=lifespan,
    )
    app.state.keys = keys
    _install_error_handlers(app)
    app.add_middleware(
        RequestGate,
        limiter=RateLimiter(settings.server.rate_limit_per_minute),
        keys=keys,
        max_body_bytes=MAX_BODY_BYTES,
        protected_prefix=API_PREFIX,
        json_paths=[ASK_PATH],
        pdf_paths={DOCUMENTS_PATH: settings.library.max_upload_mb * 1024 * 1024},
    )
    origins = settings.server.cors_origin_list()
    if origins:
        # Added last, so outermost: preflights never meet the key check, and 401/429 carry CORS headers.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    _add_api_routes(app)
    add_library_routes(app, settings.library.collection, settings.library.max_upload_mb * 1024 * 1024)
    _add_widget_routes(app)
    app.openapi = lambda: _openapi(app, keys.enabled)  # type: ignore[method-assign]
    return app


def _deck(request: Request) -> DeckQA:
    """The served deck; a library key (granted collections) asks the library instead."""
    if grants(request) is not None:
        raise StarletteHTTPException(403, "this key is granted library collections: use /v1/documents")
    return request.app.state.deck  # type: ignore[no-any-return]


GATE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "missing or wrong bearer key (only when keys are configured)"},
    422: {"model": Problem, "description": "the request does not match the schema"},
    429: {"model": Problem, "description": "rate limit exceeded; see Retry-After"},
}
LIBRARY_KEY = {"model": Problem, "description": "a library key: the served deck is not in its collections"}
SLIDE_NOT_FOUND = {404: {"model": Problem, "description": "no slide with that number"}, 403: LIBRARY_KEY}
SlideNumber = PathParam(ge=1, description="1-based slide (page) number")


def _add_api_routes(app: FastAPI) -> None:
    ask_problems = {
        400: {"model": Problem, "description": "the body cannot be decoded (not UTF-8, nested too deep)"},
        413: {"model": Problem, "description": f"body over {MAX_BODY_BYTES} bytes"},
        415: {"model": Problem, "description": "body is not application/json"},
        404: {"model": Problem, "description": "a document or collection asked of is not in this key's library"},
        403: LIBRARY_KEY,
    }

    # Plain `def` endpoints run in the thread pool: `ask` and rendering are CPU-bound.
    @app.post(ASK_PATH, response_model=Answer, responses={**GATE_PROBLEMS, **ask_problems}, tags=["answers"])
    def ask(body: AskRequest, request: Request) -> Answer:
        """Answer a question from the deck, or from library documents (`documents`,
        `collection`; a library key: its collections). `history` holds earlier turns for
        follow-ups ("and in FY15?"). Refusals are answers too: `refused: true` with
        suggestions. Across documents, each citation names its document."""
        history = [turn.model_dump() for turn in body.history]
        if body.documents is None and body.collection is None and grants(request) is None:
            return _deck(request).ask(body.question, history=history)
        documents = documents_for(request, body.collection, body.documents)
        return request.app.state.library.ask(body.question, documents, history)  # type: ignore[no-any-return]

    @app.get(
        "/v1/slides/{number}.png",
        responses={
            **GATE_PROBLEMS,
            **SLIDE_NOT_FOUND,
            200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
        },
        response_class=Response,
        tags=["slides"],
    )
    def slide_image(request: Request, number: int = SlideNumber) -> Response:
        """The slide rendered as a PNG (1,600 px wide)."""
        _slide_or_404(request, number)
        png = request.app.state.slide_images.png(number)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get(
        "/v1/slides/{number}", response_model=SlideText, responses={**GATE_PROBLEMS, **SLIDE_NOT_FOUND}, tags=["slides"]
    )
    def slide_text(request: Request, number: int = SlideNumber) -> SlideText:
        """The slide's title and extracted text."""
        slide = _slide_or_404(request, number)
        return SlideText(number=slide.number, title=slide.title, text=slide.text)

    @app.get(
        "/v1/deck",
        response_model=DeckSummary,
        responses={401: GATE_PROBLEMS[401], 429: GATE_PROBLEMS[429], 403: LIBRARY_KEY},
        tags=["slides"],
    )
    def deck_summary(request: Request) -> DeckSummary:
        """The deck's title, its slides and how its index was built."""
        deck = _deck(request)
        index = deck.index
        return DeckSummary(
            title=deck.title,
            slides=[SlideSummary(number=slide.number, title=slide.title) for slide in index.slides],
            manifest=asdict(index.manifest),
        )

    @app.get("/healthz", response_model=Health, tags=["operations"])
    def health() -> Health:
        """Ready: the deck is loaded (the server accepts connections only after that)."""
        return Health()


def plain_number(request: Request) -> None:
    """A page number in the path is written in ASCII digits only: the int parser also takes
    "\x852" (a Unicode space before the 2) or "٢", which no link writes."""
    written = str(request.path_params.get("number", ""))
    if not (written.isascii() and written.isdigit()):
        raise StarletteHTTPException(422, f"a page number is written in digits, not {written!r}")


def _slide_or_404(request: Request, number: int) -> Any:
    plain_number(request)
    index = _deck(request).index
    if not index.has_slide(number):
        raise StarletteHTTPException(404, f"no slide {number}; the deck has slides 1-{len(index.slides)}")
    return index.slide(number)


WIDGET_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)


def _add_widget_routes(app: FastAPI) -> None:
    @app.get("/widget", include_in_schema=False)
    def widget_redirect() -> RedirectResponse:
        # Relative, so it still works behind a proxy that mounts the API under a prefix.
        return RedirectResponse("widget/", status_code=308)

    @app.get("/widget/", include_in_schema=False)
    def widget_page() -> FileResponse:
        return FileResponse(WIDGET_DIR / "embed.html", headers={"Content-Security-Policy": WIDGET_POLICY})

    app.mount("/widget", StaticFiles(directory=WIDGET_DIR), name="widget")


def _openapi(app: FastAPI, auth: bool) -> dict[str, Any]:
    """FastAPI's schema with problems typed `application/problem+json` and, when keys are
    configured, the bearer scheme declared on /v1/ operations."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
            if auth and path.startswith(API_PREFIX):
                operation["security"] = [{"bearer": []}]
            elif not auth:
                operation.get("responses", {}).pop("401", None)
    if auth:
        schema.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    app.openapi_schema = schema
    return schema


# ---------------------------------------------------------------- running it


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_from_environment() -> FastAPI:
    """The app of one worker process (`--workers N`): each worker reads the same
    `DECKQA_*` settings and opens the same read-only index (a second or two, no torch)."""
    settings = Settings.from_env()
    return create_app(settings, DeckQA.load(settings))


def run_server(settings: Settings, host: str, port: int, insecure: bool, workers: int = 1) -> int:
    """Serve the API; refuses (exit 2) a non-loopback host without API keys unless `insecure`.
    With `workers` > 1, that many processes share the port (answers are CPU-bound, so
    threads in one process would wait on each other)."""
    keys = settings.server.api_key_set()
    if not is_loopback(host) and not keys and not insecure:
        print(
            f"error: refusing to serve on {host} without API keys; set DECKQA_API_KEYS or pass --insecure",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if settings.server.rate_limit_per_minute < 0:
        print("error: DECKQA_RATE_LIMIT_PER_MINUTE must be 0 (off) or more", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    # Loaded here, not in the lifespan, so a bad deck is a one-line error (exit 2) from the CLI.
    deck = DeckQA.load(settings)
    app = create_app(settings, deck)
    limit = settings.server.rate_limit_per_minute
    logger.info(
        "deck %r, %d slides; auth %s; rate limit %s; CORS origins: %s",
        deck.title,
        len(deck.index.slides),
        f"on ({len(keys)} keys)" if keys else "off",
        f"{limit}/min per client" if limit else "off",
        ", ".join(settings.server.cors_origin_list()) or "none",
    )
    if workers > 1:
        logger.info("starting %d worker processes", workers)
        uvicorn.run(
            "interfaces.server:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="info",
            server_header=False,
        )
    else:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
    return 0

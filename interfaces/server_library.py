"""The library's part of the HTTP API: documents added (a PDF as the body), listed,
renamed and removed, their pages, and which documents a request may see.

A request's key decides: a key from DECKQA_API_KEYS (or no keys at all) may use every
collection; a library key (`python -m qa library key add`) only those granted to it,
"read" or "write". A document outside them does not exist for that request: 404 on its
URLs, never cited or searched.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import DeckQAError
from interfaces.server_gate import Problem
from library.store import COLLECTION_RE, ID_LENGTH, MAX_TITLE_CHARS, Document

DOCUMENTS_PATH = "/v1/documents"
COLLECTION_PATTERN = f"^{COLLECTION_RE.pattern}$"
DOCUMENT_ID_PATTERN = f"^[0-9a-f]{{{ID_LENGTH}}}$"
DocumentId = PathParam(pattern=DOCUMENT_ID_PATTERN, description="the document's id (from its content's SHA-256)")
NOT_FOUND = {404: {"model": Problem, "description": "no such document (or not in this key's collections)"}}
UNDECODABLE = {400: {"model": Problem, "description": "the body cannot be decoded (not UTF-8, nested too deep)"}}
FORBIDDEN = {403: {"model": Problem, "description": "this key may not change that collection"}}


class DocumentInfo(BaseModel):
    id: str
    title: str
    label: str = Field(description="how answers name the document")
    file_name: str
    kind: str = Field(description='"deck", "annual report", "quarterly report" or "release"')
    company: str
    period: str
    year: str
    pages: int
    added_at: str
    collections: list[str] = Field(description="the collections it is in that this key may see")
    notes: list[str] = Field(description="what the ingest said: decrypted, repaired, pages left out")


# Query parameters are strings, "" when not given (a URL has no null).
OPTIONAL_COLLECTION = f"^(?:{COLLECTION_RE.pattern})?$"


class CollectionQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown parameter is a mistake, said as 422

    collection: str = Field("", pattern=OPTIONAL_COLLECTION, description="only this collection")


class UploadQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str = Field("", pattern=OPTIONAL_COLLECTION, description="default: DECKQA_COLLECTION")
    title: str = Field("", max_length=MAX_TITLE_CHARS, description="default: the document's own title")
    file_name: str = Field("", max_length=200, description="the file's name, for listings")


class DocumentChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, pattern=r"\S")


class PageText(BaseModel):
    number: int
    title: str
    text: str


class Removal(BaseModel):
    id: str
    deleted: bool = Field(description="true when the document is in no collection now, and its files are gone")


def info(document: Document) -> DocumentInfo:
    return DocumentInfo(**{**asdict(document), "label": document.label})


def grants(request: Request) -> dict[str, str] | None:
    """None: every collection; else collection -> "read" or "write"."""
    return request.app.state.keys.grants(request.headers.get("authorization"))  # type: ignore[no-any-return]


def readable(request: Request) -> set[str] | None:
    granted = grants(request)
    return None if granted is None else set(granted)


def writable(request: Request) -> set[str] | None:
    granted = grants(request)
    return None if granted is None else {name for name, access in granted.items() if access == "write"}


def visible(request: Request, document_id: str) -> Document:
    document = request.app.state.library.library.get(document_id, readable(request))
    if document is None:
        raise StarletteHTTPException(404, f"no document {document_id}")
    return document  # type: ignore[no-any-return]


def documents_for(request: Request, collection: str | None, ids: list[str] | None) -> list[Document]:
    """The documents a question is asked of: those named (all must be visible), else the
    collection's, else every document the key may read."""
    allowed = readable(request)
    if collection is not None:
        if allowed is not None and collection not in allowed:
            raise StarletteHTTPException(404, f"no collection {collection}")
        allowed = {collection}
    documents: list[Document] = request.app.state.library.library.documents(allowed)
    if ids:
        known = {document.id for document in documents}
        missing = [document_id for document_id in ids if document_id not in known]
        if missing:
            raise StarletteHTTPException(404, f"no document {', '.join(missing[:3])}")
        documents = [document for document in documents if document.id in ids]
    return documents


def add_library_routes(app: FastAPI, default_collection: str, max_upload_bytes: int) -> None:
    problems: dict[int | str, dict[str, Any]] = {
        401: {"model": Problem, "description": "missing or wrong bearer key (only when keys are configured)"},
        422: {"model": Problem, "description": "the request does not match the schema"},
        429: {"model": Problem, "description": "rate limit exceeded; see Retry-After"},
    }

    @app.get(DOCUMENTS_PATH, response_model=list[DocumentInfo], responses=problems, tags=["library"])
    def list_documents(request: Request, query: Annotated[CollectionQuery, Query()]) -> list[DocumentInfo]:
        """The documents this key may read (in `collection`, when given), oldest first."""
        collection = query.collection or None
        allowed = readable(request)
        if collection is not None:
            allowed = {collection} if allowed is None or collection in allowed else set()
        return [info(document) for document in request.app.state.library.library.documents(allowed)]

    @app.post(
        DOCUMENTS_PATH,
        status_code=201,
        response_model=DocumentInfo,
        responses={
            **problems,
            **FORBIDDEN,
            200: {
                "model": DocumentInfo,
                "description": "the file was in the library already; now also in `collection`",
            },
            413: {"model": Problem, "description": f"body over {max_upload_bytes} bytes"},
            415: {"model": Problem, "description": "body is not application/pdf"},
        },
        tags=["library"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def add_document(
        request: Request, response: Response, query: Annotated[UploadQuery, Query()]
    ) -> DocumentInfo:
        """Add a PDF (the request body) to a collection: it is read and indexed before the
        response (a long filing takes a minute or more). The same file added again is the
        same document, now in this collection too (200)."""
        from anyio import to_thread

        collection = query.collection or default_collection
        title, file_name = query.title.strip() or None, query.file_name.strip() or None
        allowed = writable(request)
        if allowed is not None and collection not in allowed:
            raise StarletteHTTPException(403, f"this key may not add documents to {collection}")
        body = await request.body()
        with tempfile.TemporaryDirectory(prefix="deckqa-upload-") as folder:
            path = Path(folder) / "upload.pdf"
            path.write_bytes(body)
            library = request.app.state.library

            def add() -> tuple[Document, bool]:
                return library.add(path, collection, title=title, file_name=file_name or "upload.pdf")  # type: ignore[no-any-return]

            try:
                document, new = await to_thread.run_sync(add)
            except DeckQAError as error:  # said of the upload, not of a temporary file
                raise DeckQAError(str(error).replace(str(path), file_name or "the uploaded file")) from None
        if not new:
            response.status_code = 200
        seen = readable(request)
        shown = [name for name in document.collections if seen is None or name in seen]
        return info(document).model_copy(update={"collections": shown})

    @app.get(
        DOCUMENTS_PATH + "/{document_id}",
        response_model=DocumentInfo,
        responses={**problems, **NOT_FOUND},
        tags=["library"],
    )
    def get_document(request: Request, document_id: str = DocumentId) -> DocumentInfo:
        """One document: what it is, its collections, how it was read."""
        return info(visible(request, document_id))

    @app.patch(
        DOCUMENTS_PATH + "/{document_id}",
        response_model=DocumentInfo,
        responses={**problems, **NOT_FOUND, **FORBIDDEN, **UNDECODABLE},
        tags=["library"],
    )
    def rename_document(body: DocumentChange, request: Request, document_id: str = DocumentId) -> DocumentInfo:
        """Give the document another title."""
        document = visible(request, document_id)
        allowed = writable(request)
        if allowed is not None and not allowed & set(document.collections):
            raise StarletteHTTPException(403, f"this key may not change document {document_id}")
        renamed = request.app.state.library.library.rename(document_id, body.title)
        return info(renamed).model_copy(update={"collections": list(document.collections)})

    @app.delete(
        DOCUMENTS_PATH + "/{document_id}",
        response_model=Removal,
        responses={**problems, **NOT_FOUND, **FORBIDDEN},
        tags=["library"],
    )
    def remove_document(
        request: Request, query: Annotated[CollectionQuery, Query()], document_id: str = DocumentId
    ) -> Removal:
        """Take the document out of `collection`, or of every collection this key may
        change; once it is in none, its index and file are deleted."""
        collection = query.collection or None
        document = visible(request, document_id)
        allowed = writable(request)
        targets = set(document.collections) if allowed is None else allowed & set(document.collections)
        if collection is not None:
            if collection not in document.collections:
                raise StarletteHTTPException(404, f"document {document_id} is not in {collection}")
            targets &= {collection}
        if not targets:
            raise StarletteHTTPException(403, f"this key may not change document {document_id}")
        everywhere = allowed is None and collection is None
        deleted = request.app.state.library.remove(document_id, None if everywhere else sorted(targets))
        return Removal(id=document_id, deleted=deleted)

    @app.get(
        DOCUMENTS_PATH + "/{document_id}/slides/{number}.png",
        responses={
            **problems,
            **NOT_FOUND,
            200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
        },
        response_class=Response,
        tags=["library"],
    )
    def document_page_image(request: Request, document_id: str = DocumentId, number: int = PathParam(ge=1)) -> Response:
        """A page of the document as a PNG (1,600 px wide)."""
        from interfaces.server import SLIDE_PNG_WIDTH
        from interfaces.slide_images import render_page_png

        document = visible(request, document_id)
        _page(request, document, number)
        png = render_page_png(request.app.state.library.library.pdf_path(document.id), number, width=SLIDE_PNG_WIDTH)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get(
        DOCUMENTS_PATH + "/{document_id}/slides/{number}",
        response_model=PageText,
        responses={**problems, **NOT_FOUND},
        tags=["library"],
    )
    def document_page_text(request: Request, document_id: str = DocumentId, number: int = PathParam(ge=1)) -> PageText:
        """A page's title and extracted text."""
        document = visible(request, document_id)
        slide = _page(request, document, number)
        return PageText(number=slide.number, title=slide.title, text=slide.text)


def _page(request: Request, document: Document, number: int) -> Any:
    from interfaces.server import plain_number

    plain_number(request)
    index = request.app.state.library.deck(document).index
    if not index.has_slide(number):
        raise StarletteHTTPException(404, f"no page {number}; the document has pages 1-{len(index.slides)}")
    return index.slide(number)

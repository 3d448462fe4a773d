"""Each page's content stream parsed once, for both readers of the page.

pypdf (the page's plain text) and pdfminer under pdfplumber (its layout) each parse a
page's content stream, and the parse is most of what either costs: on the corpus 10-K,
pypdf's parse is two thirds of its text extraction and pdfminer's a third of the layout.
`read_once` parses the page with pypdf once; `PreparsedInterpreter` runs pdfminer's
interpreter over those operations, converted to the objects pdfminer's own parser
makes, so the layout is the same (`tests/ingest/test_content_stream.py` compares every
page of the bundled deck and the corpus). A page whose stream holds anything the
conversion is not sure of (an inline image, a null, a name outside ASCII) is parsed by
pdfminer as before.
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import list_value, stream_value
from pdfminer.psparser import LIT
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pypdf import PageObject
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

Operations = list[tuple[list[Any], bytes]]


class Unconvertible(ValueError):
    """An operand whose pdfminer reading is not certain: the page is parsed by pdfminer."""


def read_once(text_page: PageObject, layout_page: Page) -> str:
    """`text_page.extract_text()`, with `layout_page`'s layout (pdfplumber's) set from the
    same parse of the page's content stream. A stream pypdf cannot parse, or whose
    operands do not convert for certain, is left to pdfplumber to parse."""
    contents = text_page.get("/Contents")
    if contents is None:
        return text_page.extract_text() or ""
    try:
        stream = ContentStream(contents.get_object(), text_page.pdf, "bytes")
    except (PdfReadError, ValueError, TypeError, AttributeError):
        return text_page.extract_text() or ""
    # `extract_text` parses a `ContentStream` set as the page's contents in place, once;
    # the page gets its own contents back after, so the parse is not kept with the file.
    text_page[NameObject("/Contents")] = stream
    try:
        text = text_page.extract_text() or ""
        operations = stream.operations
    except (PdfReadError, ValueError, TypeError):
        text_page[NameObject("/Contents")] = contents
        return text_page.extract_text() or ""
    text_page[NameObject("/Contents")] = contents
    _set_layout(layout_page, operations)
    return text


def _set_layout(page: Page, operations: Operations) -> bool:
    """Lay `page` out (pdfplumber's `layout`, as `Page.layout` makes it) from `operations`,
    pypdf's parse of its content stream. False, and nothing set, when an operand cannot be
    converted for certain: pdfplumber then parses the page itself."""
    if any(operator == b"INLINE IMAGE" for _, operator in operations):
        return False  # pdfminer makes its own stream object of an inline image
    try:
        converted = [
            ([_pdfminer_object(operand) for operand in operands], operator) for operands, operator in operations
        ]
    except Unconvertible:
        return False
    device = PDFPageAggregatorWithMarkedContent(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    interpreter = PreparsedInterpreter(page.pdf.rsrcmgr, device)
    interpreter.operations = converted
    interpreter.process_page(page.page_obj)
    page._layout = device.get_result()  # what `Page.layout` caches: its objects are read from it
    return True


class PreparsedInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, run over operations parsed already (the page's own stream
    only: a form XObject it draws is parsed by pdfminer, in an interpreter of this class
    without operations)."""

    operations: list[tuple[list[Any], bytes]] | None = None

    def execute(self, streams: Any) -> None:
        operations, self.operations = self.operations, None
        page_streams = [stream_value(obj) for obj in list_value(streams)]
        # pdfminer skips a stream without an object id or one drawn inside itself: such a
        # page is left to it, as is every stream but the page's own.
        if operations is None or any(s.objid is None or s.objid in self.parent_stream_ids for s in page_streams):
            super().execute(streams)
            return
        self.stream_ids.clear()
        self.stream_ids.update(s.objid for s in page_streams if s.objid is not None)
        # As `PDFPageInterpreter.execute`: every operand pushed, each operator's method
        # called with as many as it takes, when there are that many.
        for operands, operator in operations:
            for operand in operands:
                self.push(operand)
            name = operator.decode("utf-8", "ignore")
            method = "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q")
            func = getattr(self, method, None)
            if func is None:
                continue
            nargs = func.__code__.co_argcount - 1
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()


def _pdfminer_object(value: Any) -> Any:
    """A pypdf content-stream operand as pdfminer's parser reads it."""
    if isinstance(value, NameObject):
        if not value.isascii():
            raise Unconvertible(value)
        return LIT(value[1:])
    if isinstance(value, (BooleanObject, bool)):
        return bool(value)
    if isinstance(value, NumberObject):
        return int(value)
    if isinstance(value, FloatObject):
        return float(value)
    if isinstance(value, ByteStringObject):
        return bytes(value)
    if isinstance(value, TextStringObject):
        return value.original_bytes
    if isinstance(value, ArrayObject):
        return [_pdfminer_object(item) for item in value]
    if isinstance(value, DictionaryObject):
        return {_dictionary_key(key): _pdfminer_object(item) for key, item in value.items()}
    raise Unconvertible(type(value).__name__)


def _dictionary_key(key: Any) -> str:
    if not isinstance(key, NameObject) or not key.isascii():
        raise Unconvertible(key)
    return str(key[1:])

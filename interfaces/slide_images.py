"""Slides as PNG images, for the chat and the HTTP API: one renderer (pdfium)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from ingest.errors import DeckError

# pdfium is not thread-safe; the chat and the server call from many threads.
_pdfium_lock = threading.Lock()


def render_page_png(pdf_path: Path, number: int, *, scale: float | None = None, width: int | None = None) -> bytes:
    """Page `number` (1-based) of `pdf_path` as PNG bytes, at `scale` times its size in
    points or `width` pixels wide. Raises `DeckError` for a page the PDF does not have."""
    import pypdfium2

    with _pdfium_lock:
        document = pypdfium2.PdfDocument(str(pdf_path))
        try:
            if not 1 <= number <= len(document):
                raise DeckError(f"slide {number} is not in {pdf_path.name} ({len(document)} slides)")
            page = document[number - 1]
            points_wide, _height = page.get_size()
            image = page.render(scale=scale if scale is not None else (width or points_wide) / points_wide).to_pil()
            page.close()
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

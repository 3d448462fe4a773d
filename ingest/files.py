"""A deck file as a viewer opens it: checked, decrypted, repaired, before any reader sees it.

Most annual reports are encrypted with an owner password only (permission flags, an empty
user password), which every viewer opens without asking; damaged files (a broken
cross-reference table, a truncated tail) are repaired by viewers from the objects that are
there. `opened_pdf` does the same with qpdf (through `pikepdf`): a file that opens cleanly
is read as it is; one that is encrypted or that qpdf had to repair is read from a
decrypted, repaired copy in a temporary folder, and the copy is what the index keeps (so a
slide renders without the password, which is never stored).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import DeckError

# A PDF's header may follow some bytes of junk; viewers look this far for it.
HEADER_WINDOW = 1024
# qpdf's warnings kept for the manifest and the CLI (a badly damaged file has hundreds).
REPAIR_NOTES = 3


@dataclass(frozen=True)
class OpenedPdf:
    """A PDF ready to read. `path` is the file itself, or its decrypted, repaired copy."""

    source: Path
    path: Path
    sha256: str  # of the file as given
    pages: int
    decrypted: bool = False  # it was encrypted: opened with an empty or the given password
    repaired: tuple[str, ...] = ()  # what qpdf repaired, in its words (empty: nothing)


def open_checked(path: Path) -> bytes:
    """The deck's bytes, or a `DeckError` that says in one line what is wrong."""
    if not path.exists():
        raise DeckError(f"deck not found: {path}")
    if not path.is_file():
        raise DeckError(f"not a file: {path}")
    data = path.read_bytes()
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        raise DeckError(f"not a PDF (no %PDF header): {path}")
    return data


@contextmanager
def opened_pdf(path: Path, password: str | None = None) -> Iterator[OpenedPdf]:
    """`path` opened as a viewer would (see the module's docstring). Raises `DeckError`
    for a file that is not a PDF, needs a password not given (or given wrong), or that
    qpdf cannot repair. `password` is used for this opening only: never logged or kept."""
    import pikepdf

    data = open_checked(path)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        pdf = pikepdf.open(path, password=password or "")
    except pikepdf.PasswordError as error:
        if password:
            raise DeckError(f"wrong password for this encrypted PDF: {path}") from error
        raise DeckError(
            f"the PDF needs a password to open; give it (--password in the CLI, the password field in the chat): {path}"
        ) from error
    except Exception as error:  # qpdf raises PdfError, and others on files past repair
        raise DeckError(f"damaged PDF, past repair ({_plain(_first_line(error))}): {path}") from error
    with pdf, tempfile.TemporaryDirectory(prefix="deckqa-pdf-") as work:
        # Only the opening is wrapped, never the `yield`: an error in what the caller does
        # with the file (embedding, writing the index) is not a damaged PDF.
        try:
            pages = len(pdf.pages)
            warnings = [_first_line(warning) for warning in pdf.get_warnings()]
            copy = None
            if pdf.is_encrypted or warnings:
                copy = Path(work) / "opened.pdf"
                pdf.save(copy)  # without encryption; the objects qpdf recovered, in a fresh file
                warnings += [_first_line(warning) for warning in pdf.get_warnings()[len(warnings) :]]
        except Exception as error:
            raise DeckError(f"damaged PDF, past repair ({_plain(_first_line(error))}): {path}") from error
        if copy is None:
            yield OpenedPdf(path, path, sha256, pages)
            return
        repaired = tuple(dict.fromkeys(_plain(warning) for warning in warnings))[:REPAIR_NOTES]
        yield OpenedPdf(path, copy, sha256, pages, decrypted=pdf.is_encrypted, repaired=repaired)


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _plain(warning: str) -> str:
    """qpdf's warning or error without the path or file name it starts with."""
    parts = warning.split(": ", 1)
    return parts[1] if len(parts) == 2 and (parts[0].endswith(".pdf") or "/" in parts[0]) else warning

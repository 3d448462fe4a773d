"""Opening PDFs as viewers do: owner-password encryption read without asking, a user
password asked for and never kept, damage repaired, a damaged page left out and named,
an error after opening not taken for damage, several documents in one ingest, the index
cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

import ingest.pdf_reader as pdf_reader
from ingest.errors import DeckError
from ingest.files import opened_pdf
from ingest.index_store import DECK_COPY, build_index, cache_folder, ingest_version
from qa import DeckQA
from qa.settings import REPO_ROOT, Settings
from tests.small_deck import small_deck_pdf

PASSWORD = "s3cret-pass"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "acme.pdf"
    path.write_bytes(small_deck_pdf())
    return path


def _encrypted(plain: Path, target: Path, user: str) -> Path:
    with pikepdf.open(plain) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(user=user, owner="owner-only", allow=pikepdf.Permissions()))
    return target


def _texts(folder: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(folder / DECK_COPY).pages]


def test_an_owner_password_only_pdf_is_read_like_the_plain_one(plain: Path, tmp_path: Path, index_embedder) -> None:
    locked = _encrypted(plain, tmp_path / "locked.pdf", user="")
    assert PdfReader(locked).is_encrypted
    plain_build = build_index(plain, tmp_path / "plain-index", index_embedder)
    locked_build = build_index(locked, tmp_path / "locked-index", index_embedder)
    assert locked_build.manifest.decrypted and not plain_build.manifest.decrypted
    assert locked_build.manifest.facts == plain_build.manifest.facts > 0
    assert locked_build.manifest.chunks == plain_build.manifest.chunks
    # The index keeps a decrypted copy: its slides render without a password.
    assert not PdfReader(tmp_path / "locked-index" / DECK_COPY).is_encrypted
    assert _texts(tmp_path / "locked-index") == _texts(tmp_path / "plain-index")


def test_a_user_password_is_asked_for_used_once_and_never_kept(plain: Path, tmp_path: Path, index_embedder) -> None:
    locked = _encrypted(plain, tmp_path / "locked.pdf", user=PASSWORD)
    folder = tmp_path / "index"
    with pytest.raises(DeckError, match="needs a password") as missing:
        build_index(locked, folder, index_embedder)
    with pytest.raises(DeckError, match="wrong password") as wrong:
        build_index(locked, folder, index_embedder, password="guess")
    assert "\n" not in str(missing.value) + str(wrong.value) and not folder.exists()
    built = build_index(locked, folder, index_embedder, password=PASSWORD)
    assert built.manifest.decrypted
    for path in folder.rglob("*"):
        assert PASSWORD.encode() not in path.read_bytes(), f"the password is kept in {path.name}"
    settings = Settings().with_index(deck=locked, dir=folder)
    assert DeckQA.load(settings).title, "a current index opens without the password"


def test_cli_password_reaches_the_build_and_is_not_printed(plain: Path, tmp_path: Path) -> None:
    locked = _encrypted(plain, tmp_path / "locked.pdf", user=PASSWORD)
    command = [sys.executable, "-m", "qa", "ingest", str(locked), "--index-dir", str(tmp_path / "index")]
    refused = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 2 and refused.stderr.strip().startswith("error: the PDF needs a password")
    done = subprocess.run(
        [*command, "--password", PASSWORD], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert "encrypted" in done.stderr


def test_a_broken_cross_reference_table_is_repaired(plain: Path, tmp_path: Path, index_embedder) -> None:
    data = plain.read_bytes()
    start = data.rindex(b"startxref")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[:start] + b"startxref\n999999\n%%EOF\n")
    with opened_pdf(broken) as opened:
        assert opened.path != broken and opened.repaired, "read from a repaired copy"
    result = build_index(broken, tmp_path / "index", index_embedder)
    assert result.manifest.repaired and any("xref" in note for note in result.manifest.repaired)
    assert result.manifest.facts == build_index(plain, tmp_path / "plain", index_embedder).manifest.facts


@pytest.mark.parametrize("repaired", [False, True])
def test_an_error_in_the_work_done_with_an_opened_pdf_is_no_damaged_pdf(
    plain: Path, tmp_path: Path, repaired: bool
) -> None:
    path = plain
    if repaired:
        data = plain.read_bytes()
        path = tmp_path / "broken.pdf"
        path.write_bytes(data[: data.rindex(b"startxref")] + b"startxref\n999999\n%%EOF\n")
    with pytest.raises(RecursionError), opened_pdf(path):
        raise RecursionError("in the caller, after the file opened")  # as writing a manifest can


def test_a_page_that_cannot_be_read_is_left_out_and_named(
    monkeypatch: pytest.MonkeyPatch, deck_pdf: Path, tmp_path: Path, index_embedder
) -> None:
    read_page = pdf_reader._read_page

    def second_page_broken(page, number, ocr=None):  # as a content stream past repair reads
        if number == 2:
            raise ValueError("unknown operator in content stream")
        return read_page(page, number, ocr)

    monkeypatch.setattr(pdf_reader, "_read_page", second_page_broken)
    result = build_index(deck_pdf, tmp_path / "index", index_embedder)
    assert result.manifest.unread_pages == (2,)
    assert result.manifest.slides == 43
    assert any("could not be read" in warning and "(2)" in warning for warning in result.manifest.warnings)


def test_several_documents_in_one_ingest_each_get_an_index(plain: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(plain.read_bytes())
    _encrypted(plain, folder / "b.pdf", user="")
    (folder / "c.pdf").write_bytes(b"not a pdf at all\n")
    out = tmp_path / "indexes"
    completed = subprocess.run(
        [sys.executable, "-m", "qa", "ingest", str(folder), "--index-dir", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2, "one bad file: reported, exit 2"
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "c.pdf" in errors[0]
    for name in ("a", "b"):
        assert json.loads((out / name / "manifest.json").read_text())["slides"] == 2
    assert "2 of 3 documents indexed" in completed.stdout


def test_the_index_cache_is_keyed_by_content_and_ingest_code(plain: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = cache_folder(cache, plain)
    assert folder.name.endswith(ingest_version())
    copy = tmp_path / "renamed.pdf"
    copy.write_bytes(plain.read_bytes())
    assert cache_folder(cache, copy) == folder, "the same content, wherever it lies"
    stale = cache / f"{folder.name.split('-')[0]}-0000000000000000"
    stale.mkdir(parents=True)
    assert cache_folder(cache, plain) == folder and not stale.exists(), "another ingest code's folder is removed"
    settings = Settings().model_copy(update={"index": Settings().index.model_copy(update={"cache_dir": cache})})
    assert settings.for_document(plain).index.dir == folder
    explicit = Settings.from_env({"DECKQA_INDEX_DIR": str(tmp_path / "mine" / "index")})
    assert explicit.for_document(plain).index.dir == tmp_path / "mine" / "documents" / "acme"

"""The document library on the real corpus releases: adding (one document per content,
in several collections), describing, removing, a failed add that changes nothing, a
restart, API keys, and questions across documents with each citation naming its
document."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.errors import DeckError
from library.ask import LibraryQA, comparing
from library.store import Library, LibraryError
from qa import DeckQA
from qa.settings import REPO_ROOT, LibrarySettings, Settings

CORPUS = REPO_ROOT / "data" / "corpus"
COSTCO = CORPUS / "COSTCO_2023Q1_EARNINGS.pdf"
BESTBUY = CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf"
INTEL = CORPUS / "INTEL_2022Q4_EARNINGS.pdf"


@pytest.fixture(scope="module")
def cached(corpus_deck: Callable[[str], DeckQA]) -> None:
    """The releases' indexes in the index cache (an add copies them from there)."""
    for pdf in (COSTCO, BESTBUY, INTEL):
        corpus_deck(pdf.stem)


@pytest.fixture(scope="module")
def library_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("library")
    return settings.model_copy(update={"library": LibrarySettings(dir=root)})


@pytest.fixture(scope="module")
def shelf(library_settings: Settings, cached: None) -> LibraryQA:
    shelf = LibraryQA(Library(library_settings.library.dir), library_settings)
    shelf.add(COSTCO, "retail")
    shelf.add(BESTBUY, "retail")
    shelf.add(INTEL, "chips")
    return shelf


def _id(pdf: Path) -> str:
    return hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]


def test_a_document_is_its_content_described_from_its_own_pages(shelf: LibraryQA) -> None:
    documents = {document.id: document for document in shelf.library.documents()}
    costco = documents[_id(COSTCO)]
    assert costco.kind == "release" and "Costco" in costco.company and costco.pages == 4
    bestbuy = documents[_id(BESTBUY)]
    assert bestbuy.period == "quarter ended January 28, 2023" and bestbuy.year == "2023"
    assert bestbuy.label == f"{bestbuy.company} release 2023"
    assert [d.id for d in shelf.library.documents({"chips"})] == [_id(INTEL)]


def test_the_same_file_added_again_is_one_document_in_both_collections(shelf: LibraryQA) -> None:
    document, new = shelf.add(INTEL, "retail")
    assert not new and document.collections == ("chips", "retail")
    assert len(shelf.library.documents()) == 3
    assert shelf.remove(_id(INTEL), ["retail"]) is False  # still in chips
    assert shelf.library.get(_id(INTEL)).collections == ("chips",)  # type: ignore[union-attr]


def test_a_failed_add_leaves_the_library_as_it_was(shelf: LibraryQA, tmp_path: Path) -> None:
    root = shelf.library.root
    before = sorted(path.relative_to(root) for path in root.rglob("*") if "locks" not in path.parts)
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("not a pdf")
    with pytest.raises(DeckError, match="not a PDF"):
        shelf.add(not_pdf, "retail")

    def failing_build(pdf: Path, folder: Path) -> None:
        folder.mkdir()
        (folder / "half-written").write_text("x")
        raise DeckError("the build failed half way")

    small = tmp_path / "small.pdf"
    from tests.small_deck import small_deck_pdf

    small.write_bytes(small_deck_pdf())
    with pytest.raises(DeckError, match="half way"):
        shelf.library.add(small, "retail", failing_build, max_pages=100)  # type: ignore[arg-type]
    with pytest.raises(LibraryError, match="invalid collection"):
        shelf.add(small, "no spaces allowed")
    after = sorted(path.relative_to(root) for path in root.rglob("*") if "locks" not in path.parts)
    assert after == before


def test_questions_across_documents_name_each_document(shelf: LibraryQA) -> None:
    retail = shelf.library.documents({"retail"})
    answer = shelf.ask("Which company had the highest net sales?", retail)
    assert not answer.refused and answer.route == "table"
    cited = [citation.document for citation in answer.citations]
    assert set(cited) == {_id(COSTCO), _id(BESTBUY)}
    lines = answer.answer.splitlines()
    # Highest first: Costco's 53,437 before Best Buy's 14,735 (USD million).
    assert "53,437" in lines[0] and "14,735" in lines[1]
    assert all(f"[{citation.document_title}, p. {citation.slide}]" in answer.answer for citation in answer.citations)

    change = shelf.ask("How did net sales change between Costco and Best Buy?", retail)
    assert change.value is not None and change.value.formula == "14,735 - 53,437"
    assert change.value.number == pytest.approx(14_735 - 53_437)


def test_a_question_naming_a_company_is_asked_of_its_documents_only(shelf: LibraryQA) -> None:
    answer = shelf.ask("What was Costco's net income?", shelf.library.documents())
    assert not answer.refused and {c.document for c in answer.citations} == {_id(COSTCO)}
    assert answer.value is not None and answer.value.number == 1364


def test_a_question_no_document_answers_is_refused(shelf: LibraryQA) -> None:
    answer = shelf.ask("What is the capital of France?", shelf.library.documents())
    assert answer.refused and answer.route == "none" and not answer.citations


def test_the_comparing_question_each_document_is_asked() -> None:
    assert comparing("Which company had the highest revenue?", []) == "What was revenue?"
    assert comparing("How did net sales change between Acme and Bolt?", ["Acme", "Bolt"]) == "What was net sales?"
    assert comparing("Which of these companies grew net sales fastest?", []) == "What was net sales growth?"
    assert comparing("What was net income in 2022?", []) is None


def test_the_library_survives_a_restart(shelf: LibraryQA, library_settings: Settings) -> None:
    reopened = LibraryQA(Library(library_settings.library.dir), library_settings)
    assert [d.id for d in reopened.library.documents()] == [d.id for d in shelf.library.documents()]
    answer = reopened.ask("What was net income?", reopened.library.documents({"chips"}))
    assert not answer.refused and answer.citations[0].document == _id(INTEL)


def test_keys_are_kept_as_hashes_with_their_grants(library_settings: Settings, tmp_path: Path) -> None:
    library = Library(tmp_path / "keys")
    key = library.add_key("analyst", {"retail": "read", "chips": "write"})
    digest = hashlib.sha256(key.encode()).hexdigest()
    assert library.grants(digest) == {"retail": "read", "chips": "write"}
    assert key.encode() not in (tmp_path / "keys" / "catalog.sqlite").read_bytes()
    with pytest.raises(LibraryError, match="exists"):
        library.add_key("analyst", {"retail": "read"})
    library.remove_key("analyst")
    assert library.grants(digest) is None and not library.has_keys()


def test_the_cli_adds_lists_and_removes(library_settings: Settings, tmp_path: Path, cached: None) -> None:
    env = {"DECKQA_LIBRARY_DIR": str(tmp_path / "cli-library"), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}

    def qa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qa", "library", *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
        )

    bad = tmp_path / "bad.pdf"
    bad.write_text("nope")
    added = qa("add", str(COSTCO), str(bad), "--collection", "retail")
    assert added.returncode == 2
    assert [line for line in added.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {bad}: not a PDF (no %PDF header): {bad}"
    ]
    assert _id(COSTCO) in added.stdout
    listed = qa("list", "--collection", "retail")
    assert listed.returncode == 0 and _id(COSTCO) in listed.stdout and "4 pages" in listed.stdout
    missing = qa("remove", "0123456789abcdef")
    assert missing.returncode == 2 and missing.stderr.strip() == "error: no document 0123456789abcdef"
    removed = qa("remove", _id(COSTCO))
    assert removed.returncode == 0 and "deleted" in removed.stdout
    assert not (tmp_path / "cli-library" / "documents" / _id(COSTCO)).exists()


def test_an_encrypted_filing_is_kept_as_given_and_its_cached_index_reused(
    library_settings: Settings, tmp_path: Path, index_embedder
) -> None:
    """A permission-protected PDF (owner password only) is found in the index cache by the
    file as given, and opens later without being read again."""
    from ingest.index_store import Manifest, build_index, cache_folder
    from tests.small_deck import protected_small_deck

    locked = protected_small_deck(tmp_path)
    cache = tmp_path / "cache"
    settings = library_settings.with_index(cache_dir=cache)
    built = build_index(locked, cache_folder(cache, locked), index_embedder).manifest
    shelf = LibraryQA(Library(tmp_path / "encrypted-library"), settings)
    document, _ = shelf.add(locked, "filings")
    assert shelf.library.pdf_path(document.id).read_bytes() == locked.read_bytes()
    copied = Manifest.read(shelf.library.index_folder(document.id))
    assert copied is not None and copied.built_at == built.built_at and copied.decrypted
    deck = shelf.deck(document)
    assert deck.index.manifest.built_at == built.built_at  # opened, not read again
    assert not deck.ask("What does Acme build?").refused

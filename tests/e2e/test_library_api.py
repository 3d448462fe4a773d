"""The library's HTTP API over real corpus releases: uploads (201, 200 again, 403, 413,
415, 422), listing and reading by collection, renaming, removing, and what a key granted
collection A sees of a document only in collection B: nothing (404s, refusals that
quote none of it)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interfaces.server import create_app
from interfaces.server_gate import PROBLEM_MEDIA_TYPE
from library.ask import LibraryQA
from library.store import Library
from qa import DeckQA
from qa.settings import REPO_ROOT, LibrarySettings, ServerSettings, Settings

CORPUS = REPO_ROOT / "data" / "corpus"
COSTCO = CORPUS / "COSTCO_2023Q1_EARNINGS.pdf"
BESTBUY = CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf"
INTEL = CORPUS / "INTEL_2022Q4_EARNINGS.pdf"
ADMIN = "admin-key-0123456789"
PDF = {"Content-Type": "application/pdf"}


def _id(pdf: Path) -> str:
    return hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]


@pytest.fixture(scope="module")
def served(
    settings: Settings, corpus_deck: Callable[[str], DeckQA], deck: DeckQA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Path]]:
    for pdf in (COSTCO, BESTBUY, INTEL):
        corpus_deck(pdf.stem)  # their indexes in the cache: an add copies them
    root = tmp_path_factory.mktemp("api-library")
    served_settings = settings.model_copy(
        update={
            "library": LibrarySettings(dir=root, max_upload_mb=1, collection="A"),
            "server": ServerSettings(api_keys=ADMIN, rate_limit_per_minute=0),
        }
    )
    library = Library(root)
    shelf = LibraryQA(library, served_settings)
    shelf.add(COSTCO, "A")
    shelf.add(BESTBUY, "B")
    keys = {
        "a": {"Authorization": "Bearer " + library.add_key("team-a", {"A": "write"})},
        "b": {"Authorization": "Bearer " + library.add_key("team-b", {"B": "read"})},
        "admin": {"Authorization": f"Bearer {ADMIN}"},
    }
    with TestClient(create_app(served_settings, deck)) as client:
        yield client, keys, root


def _problem(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "Traceback" not in response.text and "/tmp/" not in response.text
    return str(response.json()["detail"])


def test_a_key_lists_only_its_collections(served) -> None:
    client, keys, _ = served
    listed = client.get("/v1/documents", headers=keys["a"]).json()
    assert [document["id"] for document in listed] == [_id(COSTCO)]
    assert listed[0]["collections"] == ["A"] and listed[0]["kind"] == "release"
    everything = client.get("/v1/documents", headers=keys["admin"]).json()
    assert {_id(COSTCO), _id(BESTBUY)} <= {document["id"] for document in everything}
    assert client.get("/v1/documents", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert _problem(client.get("/v1/documents?colection=A", headers=keys["a"]), 422)  # an undeclared parameter
    assert _problem(client.get("/v1/documents?collection=A&collection=B", headers=keys["a"]), 422)


def test_a_document_outside_the_keys_collections_does_not_exist_for_it(served) -> None:
    client, keys, _ = served
    other = _id(BESTBUY)
    for url in (f"/v1/documents/{other}", f"/v1/documents/{other}/slides/1", f"/v1/documents/{other}/slides/1.png"):
        assert _problem(client.get(url, headers=keys["a"]), 404) == f"no document {other}"
    asked = client.post("/v1/ask", json={"question": "What was revenue?", "documents": [other]}, headers=keys["a"])
    assert _problem(asked, 404) == f"no document {other}"
    assert _problem(client.post("/v1/ask", json={"question": "x?", "collection": "B"}, headers=keys["a"]), 404)
    # Asked about B's content, A's key gets a refusal that quotes none of it.
    answer = client.post(
        "/v1/ask", json={"question": "What was Best Buy's domestic revenue in Q4 FY23?"}, headers=keys["a"]
    ).json()
    assert answer["refused"] is True
    assert all(citation["document"] != other for citation in answer["citations"] + answer["suggestions"])
    assert "14,735" not in answer["answer"] and "Best Buy release" not in answer["answer"]
    # The served deck is not in a library key's collections either.
    assert _problem(client.get("/v1/deck", headers=keys["a"]), 403)


def test_a_key_reads_its_documents_pages_and_answers(served) -> None:
    client, keys, _ = served
    costco = _id(COSTCO)
    page = client.get(f"/v1/documents/{costco}/slides/3", headers=keys["a"]).json()
    assert page["number"] == 3 and "Net sales" in page["text"]
    png = client.get(f"/v1/documents/{costco}/slides/1.png", headers=keys["a"])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    answer = client.post("/v1/ask", json={"question": "What was net income?"}, headers=keys["a"]).json()
    assert answer["value"]["number"] == 1364
    assert [citation["document"] for citation in answer["citations"]] == [costco]


def test_uploads(served) -> None:
    client, keys, root = served
    intel = INTEL.read_bytes()
    created = client.post("/v1/documents?file_name=intel.pdf", content=intel, headers={**keys["a"], **PDF})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] == _id(INTEL) and body["collections"] == ["A"] and body["file_name"] == "intel.pdf"
    again = client.post("/v1/documents?collection=A", content=intel, headers={**keys["a"], **PDF})
    assert again.status_code == 200 and again.json()["id"] == _id(INTEL)
    assert (root / "documents" / _id(INTEL)).is_dir()
    assert _problem(client.post("/v1/documents?collection=B", content=intel, headers={**keys["a"], **PDF}), 403)
    assert _problem(client.post("/v1/documents?collection=B", content=intel, headers={**keys["b"], **PDF}), 403)
    not_pdf = client.post("/v1/documents?file_name=notes.pdf", content=b"hello", headers={**keys["a"], **PDF})
    assert _problem(not_pdf, 422) == "not a PDF (no %PDF header): notes.pdf"
    as_json = client.post("/v1/documents", content=intel, headers={**keys["a"], "Content-Type": "application/json"})
    assert _problem(as_json, 415)
    too_big = client.post("/v1/documents", content=b"%PDF-1.7\n" + b"0" * (1024 * 1024), headers={**keys["a"], **PDF})
    assert _problem(too_big, 413) == f"the request body exceeds {1024 * 1024} bytes"
    assert sorted(path.name for path in (root / "staging").iterdir()) == []


def test_rename_and_remove_need_write_access(served) -> None:
    client, keys, root = served
    costco, bestbuy = _id(COSTCO), _id(BESTBUY)
    renamed = client.patch(f"/v1/documents/{costco}", json={"title": "Costco Q1 FY23"}, headers=keys["a"])
    assert renamed.status_code == 200 and renamed.json()["title"] == "Costco Q1 FY23"
    assert _problem(client.patch(f"/v1/documents/{bestbuy}", json={"title": "x"}, headers=keys["b"]), 403)
    assert _problem(client.delete(f"/v1/documents/{bestbuy}", headers=keys["b"]), 403)
    assert _problem(client.delete(f"/v1/documents/{bestbuy}", headers=keys["a"]), 404)
    removed = client.delete(f"/v1/documents/{costco}", headers=keys["a"])
    assert removed.json() == {"id": costco, "deleted": True}
    assert not (root / "documents" / costco).exists() and not (root / "files" / f"{costco}.pdf").exists()


def test_the_library_api_is_in_the_schema(served) -> None:
    client, _, _ = served
    paths = client.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/v1/documents"])
    assert {"get", "patch", "delete"} <= set(paths["/v1/documents/{document_id}"])
    assert "application/pdf" in paths["/v1/documents"]["post"]["requestBody"]["content"]

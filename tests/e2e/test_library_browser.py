"""The library in a real headless chromium: two releases uploaded in the chat land in the
chat's collection, the server restarts, a question asked across both gets each one's
figure with its document named; then, through the API on loopback, a key granted only
another collection sees none of it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import skip_without_chromium
from tests.e2e.load import free_port, served, stop
from tests.e2e.test_app_browser import (
    ANSWER_MS,
    FIRST_LOAD_MS,
    REPO_ROOT,
    STREAMLIT,
    ask,
    full_page_screenshot,
    screenshot_on_failure,
    wait_for_health,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CORPUS = REPO_ROOT / "data" / "corpus"
UPLOADS = (CORPUS / "COSTCO_2023Q1_EARNINGS.pdf", CORPUS / "BESTBUY_2023Q4_EARNINGS.pdf")
COLLECTION = "retail-team"


@contextmanager
def chat_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`streamlit run chat_server.py` on a free loopback port with `env`."""
    port = free_port()
    command = [
        str(STREAMLIT), "run", "chat_server.py", "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url
    finally:
        stop(server)


def upload(page: Page, pdf: Path) -> None:
    page.locator("input[type=file]").set_input_files(
        files=[{"name": pdf.name, "mimeType": "application/pdf", "buffer": pdf.read_bytes()}]
    )
    pages = len(PdfReader(pdf).pages)  # this upload's notice, not the one before
    notice = page.get_by_text(f"({pages} slides); it is kept in the library ({COLLECTION})")
    expect(notice).to_be_visible(timeout=ANSWER_MS)


def test_uploads_survive_a_restart_and_answer_across_documents(
    browser: Browser, artifacts: Path, tmp_path: Path, corpus_deck
) -> None:
    skip_without_chromium()
    for pdf in UPLOADS:
        corpus_deck(pdf.stem)  # indexed once per machine: the library copies the index
    library = tmp_path / "library"
    env = {
        **os.environ,
        "DECKQA_LIBRARY_DIR": str(library),
        "DECKQA_COLLECTION": COLLECTION,
        "DECKQA_FEEDBACK_FILE": str(tmp_path / "feedback.jsonl"),
    }
    with chat_server(env, tmp_path / "first.log") as url:
        page: Page = browser.new_page(viewport={"width": 1440, "height": 1000})
        with screenshot_on_failure(page, artifacts / "library-upload-failure.png"):
            page.goto(url)
            expect(page.get_by_test_id("stChatInputTextArea")).to_be_editable(timeout=FIRST_LOAD_MS)
            for pdf in UPLOADS:
                upload(page, pdf)
    with chat_server(env, tmp_path / "second.log") as url:  # a restart: the library is on disk
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        with screenshot_on_failure(page, artifacts / "library-failure.png"):
            page.goto(url)
            expect(page.get_by_test_id("stChatInputTextArea")).to_be_editable(timeout=FIRST_LOAD_MS)
            chooser = page.get_by_test_id("stMultiSelect")
            expect(chooser).to_contain_text(f"Ask across documents · {COLLECTION}")
            for chosen, label in enumerate(("Costco Wholesale release", "Best Buy release"), start=1):
                chooser.locator("input").click()
                chooser.locator("input").fill(label)
                option = page.get_by_role("option").filter(has_text=label)
                expect(option).to_be_visible()
                option.click()
                page.keyboard.press("Escape")
                documents = "1 document" if chosen == 1 else f"{chosen} documents"
                expect(page.get_by_text(f"Across {documents} of the library")).to_be_visible()
            ask(page, "What were net sales?")
            answer = page.get_by_test_id("stChatMessage").last
            expect(answer.get_by_text("Route: ")).to_be_visible(timeout=ANSWER_MS)
            expect(answer).to_contain_text("53,437")  # Costco's net sales, USD million
            expect(answer).to_contain_text("14,735")  # Best Buy's revenue
            sources = answer.get_by_test_id("stExpander")
            expect(sources.filter(has_text="Costco Wholesale release 2022 · p. 3")).to_have_count(1)
            expect(sources.filter(has_text="Best Buy release 2023 · p. 6")).to_have_count(1)
            full_page_screenshot(page, artifacts / "library.png")

    # Another team's key, on the API over the same library, sees none of it.
    key = subprocess.run(
        [sys.executable, "-m", "qa", "library", "key", "add", "other-team", "--read", "other"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with served({"DECKQA_LIBRARY_DIR": str(library)}, tmp_path / "api.log") as base_url:
        headers = {"Authorization": f"Bearer {key}"}
        assert httpx.get(f"{base_url}/v1/documents", headers=headers).json() == []
        answer = httpx.post(f"{base_url}/v1/ask", json={"question": "What were net sales?"}, headers=headers).json()
        assert answer["refused"] is True and answer["citations"] == [] and "53,437" not in answer["answer"]
        listed = httpx.get(f"{base_url}/v1/documents?collection={COLLECTION}", headers=headers)
        assert listed.json() == []

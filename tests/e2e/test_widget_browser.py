"""The embeddable widget in a real headless chromium, against a real uvicorn on loopback:
ask, see the cited answer, open the cited slide; and embedded by script tag in a page of
another origin, with a bearer key and CORS. Screenshots land in test-artifacts/."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn

from interfaces.server import create_app
from qa.deckqa import DeckQA
from qa.settings import ServerSettings, Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KEY = "browser-key-0123456789"
# Answers take well under a second; generous for a busy 2-core machine.
ANSWER_TIMEOUT_MS = 30_000
SERVER_START_SECONDS = 20.0


def serve(app: object) -> Iterator[str]:
    """Run `app` under uvicorn in a thread on a pre-bound loopback socket; yield its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def open_server(deck: DeckQA) -> Iterator[str]:
    yield from serve(
        create_app(Settings(server=ServerSettings(api_keys=None, cors_origins="", rate_limit_per_minute=1000)), deck)
    )


class PortalPage:
    """A stand-in intranet portal: one HTML page on its own loopback origin
    (http://localhost:PORT, while the API is on http://127.0.0.1:PORT)."""

    def __init__(self) -> None:
        self.html = ""
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = portal.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def portal() -> Iterator[PortalPage]:
    page = PortalPage()
    yield page
    page.server.shutdown()


@pytest.fixture(scope="module")
def keyed_server(deck: DeckQA, portal: PortalPage) -> Iterator[str]:
    settings = Settings(server=ServerSettings(api_keys=KEY, cors_origins=portal.origin, rate_limit_per_minute=1000))
    yield from serve(create_app(settings, deck))


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 760}, device_scale_factor=1)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def ask(page, question: str):
    """Type `question`, send it, and return the locator of the answer bubble."""
    answers = page.locator(".deckqa-assistant .deckqa-bubble:not(.deckqa-pending)")
    before = answers.count()
    page.locator(".deckqa-input").fill(question)
    page.locator(".deckqa-input").press("Enter")
    answer = answers.nth(before)
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return answer


def test_widget_answers_with_citations_and_opens_the_slide(open_server: str, page, artifacts: Path) -> None:
    page.goto(f"{open_server}/widget")
    assert page.url.endswith("/widget/")
    # Arrow functions, not expressions: the widget's CSP forbids eval, which expressions need.
    page.wait_for_function("() => document.querySelector('.deckqa-title').textContent.includes('Corporate Overview')")

    described = ask(page, "What are IIJ's cloud competitive advantages?")
    assert described.locator("li").count() >= 3
    first_chip = described.locator(".deckqa-text .deckqa-chip").first.inner_text()
    assert re.fullmatch(r"Slide \d+", first_chip)
    assert described.locator(".deckqa-sources .deckqa-chip").first.inner_text().startswith(first_chip[6:] + " · ")
    assert "[Slide" not in described.inner_text() and "**" not in described.inner_text()

    numeric = ask(page, "What was operating income in 1Q-3Q15?")
    assert numeric.locator(".deckqa-figure-number").inner_text() == "4.07"
    assert numeric.locator(".deckqa-figure-unit").inner_text() == "JPY billion"
    assert numeric.locator(".deckqa-figure-period").inner_text() == "1Q-3Q15"
    chip = numeric.locator(".deckqa-sources .deckqa-chip")
    assert chip.inner_text().startswith("23 · FY2016 Financial Target")

    refused = ask(page, "Who won the 2016 World Series?")
    assert "doesn't cover" in refused.inner_text()
    assert refused.locator(".deckqa-sources .deckqa-chip").count() >= 1

    markup = ask(page, "<img src=x onerror=alert(1)> <b>what</b> about revenue?")
    user_bubbles = page.locator(".deckqa-user .deckqa-bubble")
    assert user_bubbles.last.inner_text().startswith("<img src=x")
    assert page.locator(".deckqa-user img, .deckqa-user b").count() == 0
    assert markup.is_visible()
    page.screenshot(path=str(artifacts / "widget-chat.png"))

    numeric.scroll_into_view_if_needed()
    chip.click()
    lightbox = page.locator(".deckqa-lightbox")
    lightbox.wait_for(state="visible")
    page.wait_for_function(
        "() => { const img = document.querySelector('.deckqa-slide');"
        " return img && img.complete && img.naturalWidth >= 1000 && img.src.startsWith('blob:'); }",
        timeout=ANSWER_TIMEOUT_MS,
    )
    assert page.locator(".deckqa-lightbox-caption").inner_text() == "Slide 23 — FY2016 Financial Target"
    page.screenshot(path=str(artifacts / "widget.png"))

    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.deckqa-lightbox-caption').textContent.startsWith('Slide 24')"
    )
    page.keyboard.press("Escape")
    lightbox.wait_for(state="hidden")


PORTAL_PAGE = """<!doctype html><html><head><title>Portal</title></head><body>
<h1>Intranet portal</h1>
<div id="qa"></div>
<div id="qa-wrong-key"></div>
<script src="{api}/widget/embed.js" data-api="{api}" data-api-key="{key}" data-target="#qa"
        data-title="Investor deck Q&amp;A" data-examples="When was IIJ established?"></script>
<script>DeckQA.mount(document.getElementById("qa-wrong-key"), {{api: "{api}", apiKey: "wrong", title: "x"}});</script>
</body></html>"""


def test_script_embed_on_another_origin_with_a_key(
    keyed_server: str, portal: PortalPage, page, artifacts: Path
) -> None:
    portal.html = PORTAL_PAGE.format(api=keyed_server, key=KEY)
    page.goto(f"{portal.origin}/")
    widget, wrong = page.locator("#qa"), page.locator("#qa-wrong-key")
    widget.locator(".deckqa-title").wait_for()
    assert widget.locator(".deckqa-title").inner_text() == "Investor deck Q&A"
    assert page.locator("link[data-deckqa]").count() == 1  # the stylesheet came along

    widget.locator(".deckqa-example").click()
    answer = widget.locator(".deckqa-assistant .deckqa-bubble:not(.deckqa-pending)").first
    answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert answer.locator(".deckqa-figure-number").inner_text() == "1992"
    answer.locator(".deckqa-sources .deckqa-chip").click()
    page.wait_for_function("() => document.querySelector('.deckqa-slide').naturalWidth > 0", timeout=ANSWER_TIMEOUT_MS)
    page.keyboard.press("Escape")

    wrong.locator(".deckqa-input").fill("When was IIJ established?")
    wrong.locator(".deckqa-send").click()
    error = wrong.locator(".deckqa-error")
    error.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "a valid bearer key is required" in error.inner_text()
    page.screenshot(path=str(artifacts / "widget-portal.png"), full_page=True)

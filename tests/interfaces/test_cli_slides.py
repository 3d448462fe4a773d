"""`python -m qa slides` on the bundled deck."""

from __future__ import annotations

import subprocess
import sys

from qa.settings import REPO_ROOT


def test_slides_lists_the_deck(deck) -> None:  # the fixture builds the index first
    completed = subprocess.run(
        [sys.executable, "-m", "qa", "slides"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    lines = [line.split(None, 1) for line in completed.stdout.splitlines() if line.strip()]
    titles = {int(number): title for number, title in lines}
    assert 40 <= len(titles) <= 46
    assert titles[19] == "Business Strategies"

"""One nested settings object from DECKQA_* variables; unknown or invalid ones refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.errors import DeckQAError
from qa.settings import ENVIRONMENT, Settings, SettingsError

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_variables_land_in_their_sections() -> None:
    settings = Settings.from_env(
        {
            "DECKQA_INDEX_DIR": "/tmp/x",
            "DECKQA_LLM": "ollama",
            "DECKQA_LLM_MODEL": "m",
            "DECKQA_RATE_LIMIT_PER_MINUTE": "5",
            "DECKQA_MAX_PAGES": "20",
            "PATH": "/bin",
        }
    )
    assert settings.index.dir == Path("/tmp/x") and settings.index.max_pages == 20
    assert settings.llm.provider == "ollama" and settings.llm.model == "m"
    assert settings.server.rate_limit_per_minute == 5
    assert Settings.from_env({}) == Settings()


def test_unknown_variable_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="DECKQA_LLM_MODLE"):
        Settings.from_env({"DECKQA_LLM_MODLE": "x"})


def test_invalid_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="DECKQA_RATE_LIMIT_PER_MINUTE"):
        Settings.from_env({"DECKQA_RATE_LIMIT_PER_MINUTE": "-3"})
    assert issubclass(SettingsError, DeckQAError)


def test_every_variable_is_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert [name for name in ENVIRONMENT if f"`{name}`" not in readme] == []


@pytest.mark.parametrize(
    ("variable", "message"),
    [("DECKQA_TYPO", "unknown setting DECKQA_TYPO"), ("DECKQA_LLM", "DECKQA_LLM")],
)
def test_cli_maps_a_bad_setting_to_one_line_and_exit_2(variable: str, message: str) -> None:
    value = "bogus-provider" if variable == "DECKQA_LLM" else "1"
    done = subprocess.run(
        [sys.executable, "-m", "qa", "ask", "What was operating income in 1Q-3Q16?"],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", variable: value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error:") and message in done.stderr
    assert "Traceback" not in done.stderr

"""Build the LangChain chat model named by `DECKQA_LLM`, and load the prompt files.

One place constructs chat models, so the answerer and the eval judge configure them the
same way. Provider packages are imported only when chosen; llama-cpp-python is an
optional extra. Nothing here contacts a server: construction only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.prompts import ChatPromptTemplate

from ingest.errors import DeckQAError
from qa.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PROMPTS_DIR = REPO_ROOT / "prompts"
PROVIDERS = ("openai", "ollama", "llamacpp:/path/model.gguf")
# Answers are checked against the slides; sampling only adds variance.
TEMPERATURE = 0.0
# One retry covers a dropped connection; more would stack past DECKQA_LLM_TIMEOUT,
# after which the extractive answer is shown anyway.
MAX_RETRIES = 1
# An answer is a few sentences with citations; llama-cpp's default (256) can cut a
# bulleted answer short. Hosted and Ollama models keep their own limits, which reasoning
# models need for their thinking tokens.
LLAMACPP_MAX_TOKENS = 1024
# Context for a local GGUF model: the prompt holds three slides' passages (~2-3k tokens).
LLAMACPP_CONTEXT_TOKENS = 8192
# An OpenAI-compatible server on your own machine (vLLM, llama.cpp server, LM Studio)
# usually ignores the key, but the client requires one.
UNUSED_API_KEY = "unused"
SECTION_RE = re.compile(r"^=== (system|human) ===[ \t]*$", re.MULTILINE)


class LLMConfigError(DeckQAError, ValueError):
    """DECKQA_LLM and its companions do not describe a usable chat model."""


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for `settings.llm.provider`: "openai", "ollama" or "llamacpp:/path/model.gguf".
    Raises `LLMConfigError` for an unknown or incomplete configuration."""
    choice = settings.llm.provider.strip()
    provider, _, argument = choice.partition(":")
    provider = provider.lower()
    if provider == "openai" and not argument:
        return _openai(settings)
    if provider == "ollama" and not argument:
        return _ollama(settings)
    if provider == "llamacpp":
        return _llamacpp(settings, argument.strip())
    raise LLMConfigError(f"DECKQA_LLM={choice!r} is not a known LLM; use one of: {', '.join(PROVIDERS)}")


def model_label(settings: Settings) -> str:
    """A label for people: "openai gpt-4o-mini", "llamacpp model.gguf"; no key, no URL."""
    provider, _, model_path = settings.llm.provider.strip().partition(":")
    model = Path(model_path).name if model_path else settings.llm.model.strip()
    return f"{provider.lower()} {model}".strip()


def _require_model(settings: Settings) -> str:
    if not settings.llm.model.strip():
        raise LLMConfigError(f"DECKQA_LLM={settings.llm.provider} needs DECKQA_LLM_MODEL (the model name to ask for)")
    return settings.llm.model.strip()


def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    model = _require_model(settings)
    base_url = settings.llm.base_url.strip() or None
    if settings.llm.api_key is not None:
        api_key = settings.llm.api_key
    elif base_url is not None:
        api_key = UNUSED_API_KEY
    else:
        raise LLMConfigError(
            "DECKQA_LLM=openai needs DECKQA_LLM_API_KEY, or DECKQA_LLM_BASE_URL for a keyless local server"
        )
    return ChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout=settings.llm.timeout,
        max_retries=MAX_RETRIES,
        temperature=TEMPERATURE,
    )


def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=_require_model(settings),
        base_url=settings.llm.base_url.strip() or None,
        temperature=TEMPERATURE,
        client_kwargs={"timeout": settings.llm.timeout},
    )


def _llamacpp(settings: Settings, model_path: str) -> BaseChatModel:
    if not model_path:
        raise LLMConfigError("DECKQA_LLM=llamacpp needs the model file: DECKQA_LLM=llamacpp:/path/model.gguf")
    path = Path(model_path).expanduser()
    if not path.is_file():
        raise LLMConfigError(f"DECKQA_LLM names a GGUF model file that does not exist: {path}")
    try:
        import llama_cpp  # noqa: F401  (only to give a clear message when the extra is missing)
    except ImportError as error:
        raise LLMConfigError(
            "DECKQA_LLM=llamacpp needs the optional llama-cpp-python package: pip install llama-cpp-python"
        ) from error
    from langchain_community.chat_models import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=str(path),
        temperature=TEMPERATURE,
        max_tokens=LLAMACPP_MAX_TOKENS,
        n_ctx=LLAMACPP_CONTEXT_TOKENS,
        verbose=False,
    )


def load_prompt(name: str, variables: set[str], folder: Path = PROMPTS_DIR) -> ChatPromptTemplate:
    """`prompts/<name>.md` as a system + human ChatPromptTemplate (format: prompts/README.md).
    Raises `LLMConfigError` when the file lacks a section or uses other variables."""
    path = folder / f"{name}.md"
    parts = SECTION_RE.split(path.read_text(encoding="utf-8"))
    # split() gives [preamble, role, text, role, text, ...]
    sections = {role: text.strip() for role, text in zip(parts[1::2], parts[2::2], strict=True)}
    if set(sections) != {"system", "human"}:
        raise LLMConfigError(f"{path} needs a '=== system ===' and a '=== human ===' section")
    template = ChatPromptTemplate.from_messages([("system", sections["system"]), ("human", sections["human"])])
    if set(template.input_variables) != variables:
        found = ", ".join(sorted(template.input_variables))
        raise LLMConfigError(f"{path} uses variables {{{found}}}; expected {{{', '.join(sorted(variables))}}}")
    return template

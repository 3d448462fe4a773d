"""The optional LLM answerer: chat models, prompts, and the check its answers must pass."""

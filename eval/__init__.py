"""Evaluation: score the Q&A pipeline on a gold set (`python -m eval run`), compare it
with a standard LangChain baseline, and benchmark speed (`python -m eval bench`).
See eval/README.md."""

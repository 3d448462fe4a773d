"""Named errors of the ingest stage. Entry points map them to exit code 2 / HTTP 4xx."""


class DeckError(Exception):
    """The deck file cannot be used: missing, not a PDF, damaged, encrypted, no text."""


class StaleIndexError(Exception):
    """The index on disk was built from another deck, model or schema and rebuilding is off."""

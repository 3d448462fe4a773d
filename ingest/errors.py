"""The project's error tree. `DeckQAError` is the one base class every interface maps to
a clear message (exit code 2 in the CLI, a 4xx problem in the server, an error box in the
chat); each stage raises its own subclass, `from` the cause, saying what to do."""


class DeckQAError(Exception):
    """Base of every error a user can cause or fix (bad input, configuration, index)."""


class DeckError(DeckQAError):
    """The deck file cannot be used: missing, not a PDF, damaged, encrypted, no text, too long."""


class StaleIndexError(DeckQAError):
    """The index on disk was built from another deck, model or schema and rebuilding is off."""

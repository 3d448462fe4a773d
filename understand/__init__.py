"""Understanding a question: validation, follow-up rewriting, routing, question words."""

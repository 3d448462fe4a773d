"""Deck Q&A: questions in, short answers out, every claim cited to a slide.

from qa import DeckQA
deck = DeckQA.load()
answer = deck.ask("What was operating income in 1Q-3Q16?")
"""

from qa.answer import Answer, Citation, Value
from qa.deckqa import DeckQA
from understand.question import QuestionError

__all__ = ["Answer", "Citation", "DeckQA", "QuestionError", "Value"]

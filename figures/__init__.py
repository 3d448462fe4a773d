"""Figures: the lookup over a document's facts and the safe arithmetic over them."""

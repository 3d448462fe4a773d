"""Pages a question names by number."""

from __future__ import annotations

import pytest

from understand.question import named_pages


@pytest.mark.parametrize(
    ("question", "pages"),
    [
        ("How many colors are in the slide 14?", [14]),
        ("what are the overlapped apps between page 21 and 62?", [21, 62]),
        ("How many images are there in Pages 100-110 of the slides?", list(range(100, 111))),
        ("What do slides 3, 4 and 5 say about cloud?", [3, 4, 5]),
        ("How many tables are there in the whole slides?", []),
        ("What was revenue on a per-page basis in 2016?", []),
    ],
)
def test_pages_named_by_number(question: str, pages: list[int]) -> None:
    assert named_pages(question) == pages


def test_pages_named_to_be_left_out() -> None:
    from understand.question import left_out_pages

    question = "Besides the two companies on page 42, what is the contact phone number of another company?"
    assert left_out_pages(question) == [42] and named_pages(question) == []
    assert left_out_pages("What do slides 3 and 4 say, apart from slide 4?") == [4]
    assert named_pages("What do slides 3 and 4 say, apart from slide 4?") == [3]
    assert left_out_pages("What does slide 7 say about cloud?") == []

"""A phone number, an e-mail or a web address asked for is found by its form on the page
that writes it, with the lines saying whose; figures are no phone numbers."""

from __future__ import annotations

from ingest.readable import is_fragment
from qa.contact import asked_contact, written
from tests.small_deck import deck_of, text_deck_pdf


def test_what_is_asked_and_what_is_written() -> None:
    assert asked_contact("What is the contact phone number?") == "phone"
    assert asked_contact("What is the e-mail address of the president?") == "email"
    assert asked_contact("What is the company's website?") == "web"
    assert asked_contact("What was total revenue?") == ""
    assert written("phone", "Call +1-615-591-2955 or (212) 555-0147 today") == ["+1-615-591-2955", "(212) 555-0147"]
    # Groups of digits joined by dashes, as a phone number is written; a date is none.
    assert written("phone", "TEL: 81-3-5205-6500, opened 2015-07-01") == ["81-3-5205-6500"]
    # Figures side by side are no phone number.
    assert written("phone", "Program Need $2,386 1,456 930 in 2015") == []
    assert written("email", "Write to ana.lee@example.com.") == ["ana.lee@example.com"]
    assert written("web", "See www.example.org/report for more") == ["www.example.org/report"]


def test_a_contact_page_answers_for_whom_it_is_asked(settings, tmp_path) -> None:
    slides = [
        ("Retail Wi-Fi Study", ["A survey of 400 retailers, 2015"]),
        ("Findings", ["Guest Wi-Fi lifts loyalty for 61% of hotels."]),
        (
            "Contact Information",
            [
                "Ana Lee",
                "President",
                "+1-615-591-2955",
                "ana.lee@example.com",
                "Omar Diaz",
                "Director of Retail Market Development",
                "omar.diaz@example.net",
            ],
        ),
        ("Our Partner", ["Wi-Fi vendor for the study", "Call Lena Park at +1-212-555-0147"]),
    ]
    pdf = tmp_path / "study.pdf"
    pdf.write_bytes(text_deck_pdf(slides))
    deck = deck_of(pdf, tmp_path, settings)
    phone = deck.ask("What is the contact phone number?")
    assert "+1-615-591-2955" in phone.answer and [c.slide for c in phone.citations] == [3], phone.answer
    email = deck.ask("What is the email of the Director of Retail Market Development?")
    assert "omar.diaz@example.net" in email.answer and "ana.lee@example.com" not in email.answer, email.answer
    # A page the question leaves out is not the one that answers.
    other = deck.ask("Besides the company on page 3, what is the contact phone number of another company?")
    assert "+1-212-555-0147" in other.answer and "615" not in other.answer, other.answer
    # Each answer reads as a phrase, not a bare number.
    assert not any(is_fragment(answer.answer) for answer in (phone, email, other))
    # A deck that writes no web address answers as it would without one.
    site = deck.ask("What is the website of the study?")
    assert "www." not in site.answer

"""Parse figures as printed in a deck ("JPY158.0 billion", "(982)", "approx. 70%") and
the periods they belong to ("FY16", "1Q-3Q16", "3Q16-end", "Dec. 31, 2016").

Pure functions; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"trillion": 1e12, "billion": 1e9, "million": 1e6, "thousand": 1e3}

_QUALIFIER = (
    r"(?P<qual>approx\.?|approximately|about|around|over|more than|less than|"
    r"slightly (?:more|less) than|no larger than|up to|almost)?\s*"
)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A number right after "<digit>," is the rest of a grouped one ("JPY6-7,000": a range).
FIGURE_RE = re.compile(
    r"(?<![\w.*])(?<!\d,)(?<!\d-)(?<![A-Za-z]-)(?<!\* )"
    + _QUALIFIER
    + r"(?P<dir>(?:up|down)\s+)?"
    + r"(?P<sign>[+\-\u2212])?"
    + r"(?P<open>\()?"
    + r"(?P<cur>(?:JPY|USD|EUR|GBP|US\$|[$€£¥])\s?)?"
    + r"(?P<num>"
    + _NUMBER
    + r")"
    + r"(?P<pct>\s?%|\s(?:percent|per cent)\b)?"
    + r"(?P<close>\))?"
    + r"(?:\s?(?P<scale>trillion|billion|million|thousand|mil|bn|mn)\b|(?P<abbr>(?-i:[KMBk]))(?![A-Za-z0-9]))?"
    + r"(?:\s?(?P<points>points?)\b)?"
    + r"(?:(?<=%)|(?![A-Za-z0-9]|-\d|[.,]{1,2}\d))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    """One figure found in text. `value` is signed and in `unit`'s scale."""

    value: float
    unit: str
    raw: str
    qualifier: str
    start: int
    end: int
    is_change: bool


def find_figures(text: str, default_unit: str = "", parens_negative: bool = False) -> list[Figure]:
    """All figures in `text`, left to right. `default_unit` (a table's "Unit: JPY
    million") applies to bare numbers with no unit of their own. In prose, parentheses
    are asides ("(124 clients)"); pass `parens_negative` for accounting cells."""
    # A figure inside a quarter or fiscal-year label ("3Q16", "FY15") is part of the
    # label; a year inside a date ("December 1992") is still a figure.
    period_spans = []
    for match in PERIOD_RE.finditer(text):
        if not match.group("date"):
            period_spans.append(match.span())
        elif match.group("day"):
            period_spans.append(match.span("day"))
    # ... and so is the year of a period spelled out ("the first quarter of 2023").
    period_spans += [match.span() for pattern, _ in _PHRASES for match in pattern.finditer(text)]
    period_spans += [match.span("year") for match in SHORT_YEAR_RE.finditer(text)]  # "Jun '12"
    # A number inside a time of day or a duration ("10:45 CET", "00:03:51") or the day of
    # a date ("13 November 2015", "November 13") counts nothing.
    period_spans += [match.span() for match in CLOCK_RE.finditer(text)]
    period_spans += [match.span("day" if match.group("day") else "after") for match in DAY_RE.finditer(text)]
    figures = []
    for match in FIGURE_RE.finditer(text):
        if any(start < match.end("num") and match.start("num") < end for start, end in period_spans):
            continue
        if _is_footnote_marker(match):
            continue
        figure = _figure_from_match(match, default_unit, parens_negative)
        if figure is not None:
            figures.append(figure)
    return figures


# Counts spelled out ("supports four delivery lifecycles"). "One" is left out: it is a
# pronoun and an article as often as a count.
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
}  # fmt: skip
TENS_WORDS = ("twenty", "thirty", "forty", "fifty")
UNIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
# "Twenty-two" is 22; "four-day training" counts days (the noun is joined to it); "twenty-
# first" is a rank and "one-third" a share, neither a count.
NUMBER_WORD_RE = re.compile(
    rf"(?<![\w-])(?:(?P<tens>{'|'.join(TENS_WORDS)})-(?P<unit>{'|'.join(UNIT_WORDS)})|(?P<word>{'|'.join(NUMBER_WORDS)}))"
    rf"\b(?!-(?:{'|'.join((*NUMBER_WORDS, *UNIT_WORDS, *ORDINAL_WORDS, 'thirds?', 'quarters?', 'halves'))})\b)",
    re.IGNORECASE,
)


def spelled_counts(text: str) -> list[Figure]:
    """The counts `text` spells out in words ("four delivery lifecycles" -> 4, "a
    four-day training" -> 4, "twenty-two" -> 22)."""
    counts = []
    for m in NUMBER_WORD_RE.finditer(text):
        if m.group("tens"):
            value = NUMBER_WORDS[m.group("tens").lower()] + UNIT_WORDS.index(m.group("unit").lower()) + 1
        else:
            value = NUMBER_WORDS[m.group("word").lower()]
        counts.append(Figure(float(value), "count", m.group(0), "", m.start(), m.end(), False))
    return counts


def _is_footnote_marker(match: re.Match[str]) -> bool:
    """ "(1)" or "124(1)" in prose marks a footnote, not a number; so does a bare "1"
    opening a footnote's text ("1 The impact of ...")."""
    number = match.group("num")
    if match.group("pct") or match.group("cur") or match.group("scale"):
        return False
    enclosed = bool(match.group("open")) or match.string[match.start() - 1 : match.start()] == "("
    if enclosed and match.group("close") and len(number) == 1:
        return True
    opening = not match.string[: match.start()].strip()
    return opening and len(number) <= 2 and re.match(r" [A-Z][a-z]", match.string[match.end() :]) is not None


def parse_figure(text: str, default_unit: str = "") -> Figure | None:
    """The single figure that makes up `text` (a table cell), or None."""
    stripped = text.strip()
    match = FIGURE_RE.fullmatch(stripped)
    if match is None:
        match = FIGURE_RE.match(stripped)
        if match is None:
            return None
    return _figure_from_match(match, default_unit, parens_negative=True)


def _figure_from_match(match: re.Match[str], default_unit: str, parens_negative: bool) -> Figure | None:
    number = match.group("num")
    raw = match.group(0).strip()
    if not raw:
        return None
    # A "(" without ")" belongs to surrounding prose, not to the figure.
    negative_parens = parens_negative and bool(match.group("open")) and bool(match.group("close"))
    value = float(number.replace(",", ""))
    sign = match.group("sign") or ""
    direction = (match.group("dir") or "").strip().lower()
    # "+/- 1.5 percent", "±2%": a margin either way, its size the figure.
    either_way = re.search(r"\+\s?/\s?$", match.string[: match.start("sign")]) if sign else None
    if (negative_parens or sign in {"-", "\u2212"} or direction == "down") and not either_way:
        value = -value
    if match.group("abbr") and not (match.group("cur") or "." in number or len(number.replace(",", "")) > 1):
        return None  # "3M", "Item 1B", "Form 8K": a name, not three million
    unit = _unit_of(match, default_unit)
    if unit == "" and _looks_like_year(number, match):
        unit = "year"
    return Figure(
        value=value,
        unit=unit,
        raw=either_way.group() + raw if either_way else _trim_unpaired_parens(raw, match),
        qualifier=(match.group("qual") or "").lower(),
        start=either_way.start() if either_way else match.start(),
        end=match.end(),
        is_change=(bool(sign) and not either_way) or bool(direction),
    )


def _trim_unpaired_parens(raw: str, match: re.Match[str]) -> str:
    if match.group("open") and not match.group("close"):
        return raw.replace("(", "", 1).strip()
    if match.group("close") and not match.group("open"):
        return raw[: raw.rfind(")")].strip()
    return raw


# A currency as printed before a figure, as its ISO code.
CURRENCIES = {"jpy": "JPY", "¥": "JPY", "yen": "JPY", "usd": "USD", "us$": "USD", "$": "USD", "eur": "EUR", "€": "EUR",
              "gbp": "GBP", "£": "GBP"}  # fmt: skip
SCALE_WORDS = {"mil": "million", "mn": "million", "bn": "billion"}
# A scale letter set right after the number, as slides abbreviate: "$53.4B", "400M", "15K",
# "100k" (after a single bare digit it names something: "3M", "Item 1B"). A small "m" or
# "b" is a unit of its own ("100m" of track); a small "k" is a thousand.
SCALE_LETTERS = {"K": "thousand", "k": "thousand", "M": "million", "B": "billion"}


def is_money(unit: str) -> bool:
    """Whether `unit` is an amount of a currency ("USD million", "JPY")."""
    return split_unit(unit)[0] in CURRENCIES.values()


def _unit_of(match: re.Match[str], default_unit: str) -> str:
    scale = (match.group("scale") or "").lower() or SCALE_LETTERS.get(match.group("abbr") or "", "")
    scale = SCALE_WORDS.get(scale, scale)
    if match.group("pct"):
        return "%"
    if match.group("points"):
        return "points"
    if match.group("cur"):
        currency = CURRENCIES[match.group("cur").strip().lower()]
        return f"{currency} {scale}".strip()
    if scale:
        return scale
    return default_unit


def _looks_like_year(number: str, match: re.Match[str]) -> bool:
    return (
        len(number) == 4
        and number.isdigit()
        and 1900 <= int(number) <= 2100
        and not match.group("sign")
        and not match.group("open")
    )


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between scaled units of one kind ("JPY million" -> "JPY billion").
    Raises ValueError for units of different kinds."""
    if from_unit == to_unit:
        return value
    from_kind, from_scale = split_unit(from_unit)
    to_kind, to_scale = split_unit(to_unit)
    if from_kind != to_kind:
        raise ValueError(f"cannot convert {from_unit!r} to {to_unit!r}")
    return value * SCALES.get(from_scale, 1.0) / SCALES.get(to_scale, 1.0)


def split_unit(unit: str) -> tuple[str, str]:
    """("JPY", "billion") for "JPY billion"; ("count", "million") for "million"."""
    parts = unit.split()
    if parts and parts[-1] in SCALES:
        kind = " ".join(parts[:-1]) or "count"
        return kind, parts[-1]
    return (unit or "count"), ""


_MONTHS = {
    "jan": "Jan.", "feb": "Feb.", "mar": "Mar.", "apr": "Apr.", "may": "May", "jun": "Jun.",
    "jul": "Jul.", "aug": "Aug.", "sep": "Sep.", "oct": "Oct.", "nov": "Nov.", "dec": "Dec.",
}  # fmt: skip
_MONTH_RE = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
PERIOD_RE = re.compile(
    r"(?P<range>\b[1-4]Q\s?-\s?[1-4]Q\s?(?:FY)?(?:20)?\d{2}\b)"
    r"|(?P<quarter>\b[1-4]Q\s?(?:FY)?(?:20)?\d{2}\b(?:\s?-?\s?end\b)?)"
    r"|(?P<half>\b[12]H\s?(?:FY)?(?:20)?\d{2}\b)"
    r"|(?P<fy>\bFY\s?(?:20)?\d{2}\b)"
    r"|(?P<date>\b" + _MONTH_RE + r"\s?(?P<day>\d{1,2},)?\s?(?P<year>(?:19|20)\d{2})\b)",
    re.IGNORECASE,
)


CLOCK_RE = re.compile(r"(?<![\w:.,])\d{1,2}:\d{2}(?::\d{2})?(?![\w:]|[.,]\d)")
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
# A month name as a date writes it (capitalised: "may" is a verb), then a day of it.
_DATE_MONTH = "(?:" + "|".join(name for month in _MONTH_NAMES for name in (month, month.upper())) + r")\.?"
DAY_RE = re.compile(
    r"(?<![\w.,$])(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?=" + _DATE_MONTH + r"\b)"
    r"|\b(?<![\w.])" + _DATE_MONTH + r"\s+(?P<after>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*,?\s*(?:19|20)\d{2}\b)"
)

# A quarter or half named without its year ("last year's Q1", "1Q"): a period the
# question names, though not one whose coverage can be checked.
BARE_PART_RE = re.compile(r"(?:q[1-4]|[1-4]q|h[12]|[12]h)", re.IGNORECASE)

BARE_YEAR_RE = re.compile(
    r"(?:\b(?:in|for|during|throughout|of|as of|since|by|from|to|versus|vs\.?|compared (?:with|to)|than|against)"
    # "over 2022" ending its clause (not "over 2000 stores")
    r"|\bover(?=\s+(?:19|20)\d{2}\s*(?:[?.,;:)]|$))"
    r"|['’]s|\b(?:the|its|their))\s+"  # and before what it qualifies: "the company's 2022 sales"
    r"(?P<year>(?:19|20)\d{2})\b(?!\s*[-/]\d)",
    re.IGNORECASE,
)


def normalize_period(text: str) -> str:
    """The canonical form of the first period in `text`, or "" if none.

    "FY2016" -> "FY16"; "1Q-3Q FY2016" -> "1Q-3Q16"; "3Q16 end" -> "3Q16-end";
    "December 31, 2016" -> "Dec. 31, 2016"; "March 2017" -> "Mar. 2017".
    """
    periods = find_periods(text)
    return periods[0] if periods else ""


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3}
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "first three quarters of FY2016" -> "1Q-3Q16"; "first half of FY16" -> "1H16"
    (re.compile(r"\bfirst (two|three|2|3) quarters (?:of |in )?(?:fiscal(?: year)? |FY\s?)(?:20)?(\d{2})\b", re.I),
     "1Q-{count}Q{year}"),
    (re.compile(r"\b(first|second|1st|2nd) half (?:of |in )?(?:fiscal(?: year)? |FY\s?)(?:20)?(\d{2})\b", re.I), "{half}H{year}"),
    # "fourth quarter of FY16", "first quarter (fiscal 2022)", "Q4 FY16", "Q3 2016" (fiscal) -> "4Q16"
    (re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter,? \(?(?:of |in )?(?:fiscal(?: year)? |FY\s?)(?:20)?(\d{2})\b", re.I),
     "{quarter}Q{year}"),
    # "fourth quarter of 2022", "Q4 2022": a quarter of the fiscal year named by that year.
    (re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter (?:of |in )?((?:19|20)\d{2})\b", re.I),
     "{quarter}Q{year}"),
    (re.compile(r"\bQ([1-4])\s?(?:FY\s?|fiscal(?: year)?\s)?(?:20)?(\d{2})\b", re.I), "{digit}Q{year}"),
    # "at year end 2022", "fiscal year-end 2022": the balance at the fiscal year's end.
    (re.compile(r"\b(?:fiscal[\s-])?year[\s-]end (?:of )?(?:fiscal )?(?:20)?(\d{2})\b", re.I), "FY{year}"),
    # "full year 2022", "full-year 2022", "the whole fiscal year 2023" -> "FY22"
    (re.compile(r"\b(?:full|entire|whole)[\s-](?:fiscal[\s-])?year (?:of |in )?(?:20)?(\d{2})\b", re.I), "FY{year}"),
    (re.compile(r"\bfiscal(?: year)? (?:20)?(\d{2})\b", re.I), "FY{year}"),
    # "the 9 months to Dec 2016", "nine months ended December 31, 2016": fiscal years start in April.
    (re.compile(r"\b(3|6|9|three|six|nine) months (?:to|ended|ending|through|until) "
                r"(jun(?:e)?|sep(?:t(?:ember)?)?|dec(?:ember)?)\.?(?: \d{1,2},?)? (?:20)?(\d{2})\b", re.I),
     "{months_to}"),
    # "from march to december 2016": the year is said once for both months.
    (re.compile(r"\b(?:from |between )(" + _MONTH_RE.replace("(?P<month>", "(?:") + r")\s+(?:to|and|until|through)\s+"
                r"(" + _MONTH_RE.replace("(?P<month>", "(?:") + r")\s+((?:19|20)\d{2})\b", re.I),
     "from {month1} {year4} to {month2} {year4}"),
)  # fmt: skip


# A year shortened with an apostrophe after a month, quarter or fiscal year ("Jun '12",
# "Q3 '15", "FY '09"; OCR reads the apostrophe as a degree sign at times: "Jun °12"), or
# after a preposition as a bare year is ("Revenue $5.1B in '11"): the century is the
# nearer one.
SHORT_YEAR_RE = re.compile(
    r"\b(?P<before>"
    + _MONTH_RE.replace("(?P<month>", "(?:")
    + r"|Q[1-4]|[1-4]Q|H[12]|[12]H|FY|in|for|during|since|from|through|until|to|by)"
    + r"\s?[‘’'`°](?P<year>\d{2})\b(?![‘’'`]?\w)",
    re.IGNORECASE,
)


def _full_year(match: re.Match[str]) -> str:
    year = int(match.group("year"))
    return f"{match.group('before')} {1900 + year if year > 50 else 2000 + year}"


# A quarter written after its year ("2015/Q2", "2015-Q2", "2015 Q2"): the same as "Q2 2015".
YEAR_THEN_QUARTER_RE = re.compile(r"\b((?:19|20)\d{2})\s?[/-]?\s?Q([1-4])\b", re.IGNORECASE)


def _rewrite_phrases(text: str) -> str:
    text = SHORT_YEAR_RE.sub(_full_year, text)
    text = YEAR_THEN_QUARTER_RE.sub(r"Q\2 \1", text)
    for pattern, template in _PHRASES:

        def substitute(match: re.Match[str], template: str = template) -> str:
            groups = match.groups()
            word = groups[0].lower()
            year = groups[-1]
            if template == "{months_to}":
                quarters = {"3": 1, "three": 1, "6": 2, "six": 2, "9": 3, "nine": 3}[groups[0].lower()]
                end_quarter = {"jun": 1, "sep": 2, "dec": 3}[groups[1][:3].lower()]
                if quarters != end_quarter:
                    return match.group(0)
                return f"1Q{groups[2]}" if quarters == 1 else f"1Q-{quarters}Q{groups[2]}"
            if "{month1}" in template:
                return template.format(month1=groups[0], month2=groups[1], year4=groups[2])
            return template.format(
                count=_COUNTS.get(word, ""),
                half=_ORDINALS.get(word, ""),
                quarter=_ORDINALS.get(word, ""),
                digit=groups[0],
                year=year,
            )

        text = pattern.sub(substitute, text)
    return text


def find_periods(text: str) -> list[str]:
    """Every period in `text`, canonical, in order of appearance, without repeats."""
    found: list[str] = []
    compact = _rewrite_phrases(text)
    compact = re.sub(r"\b([1-4]Q)\s?-\s?([1-4]Q)\s+FY\s?(?:20)?(\d{2})\b", r"\1-\2\3", compact)
    spans = []
    for match in PERIOD_RE.finditer(compact):
        period = _canonical(match)
        spans.append(match.span())
        if period and period not in found:
            found.append(period)
    # A bare calendar year after "in", "for", "as of" ("employees in 2020").
    for match in BARE_YEAR_RE.finditer(compact):
        inside = any(start <= match.start("year") < end for start, end in spans)
        if not inside and match.group("year") not in found:
            found.append(match.group("year"))
    return found


def strip_periods(text: str) -> str:
    """`text` without the periods `find_periods` reads in it ("op income for the first
    three quarters of FY2016" -> "op income for the")."""
    compact = _rewrite_phrases(text)
    compact = PERIOD_RE.sub(" ", compact)
    compact = BARE_YEAR_RE.sub(" ", compact)
    return " ".join(compact.split())


def _canonical(match: re.Match[str]) -> str:
    token = re.sub(r"\s+", "", match.group(0)).upper().replace("FY", "")
    if match.group("range"):
        first, _, rest = token.partition("-")
        return f"{first}-{rest[:2]}{rest[-2:]}"
    if match.group("quarter"):
        end = token.endswith("END")
        base = token.replace("-END", "").replace("END", "")
        return f"{base[:2]}{base[-2:]}" + ("-end" if end else "")
    if match.group("half"):
        return f"{token[:2]}{token[-2:]}"
    if match.group("fy"):
        return f"FY{token[-2:]}"
    month = _MONTHS[match.group("month")[:3].lower()]
    day = match.group("day")
    year = match.group("year")
    return f"{month} {day[:-1]}, {year}" if day else f"{month} {year}"


def period_year(period: str) -> str:
    """The two-digit year a period ends in: "FY16", "1Q-3Q16", "3Q16-end" -> "16"; else ""."""
    match = re.search(r"(\d\d)(?:-end)?$", period)
    return match.group(1) if match else ""


def period_sort_key(period: str) -> tuple[int, int]:
    """(year, month-ish) for ordering periods: "1Q-3Q16" -> (16, 9); "FY16" -> (16, 12)."""
    match = re.search(r"(\d{2})(?:-end)?$", period)
    if period.startswith(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")):
        year = int(period[-4:]) % 100
        month = list(_MONTHS.values()).index(period.split()[0]) + 1
        # Fiscal years start in April: Jan-Mar belong to the previous fiscal year.
        return (year - 1, month + 9) if month <= 3 else (year, month - 3)
    if not match:
        return (0, 0)
    year = int(match.group(1))
    quarter = re.findall(r"([1-4])Q", period)
    if quarter:
        return (year, int(quarter[-1]) * 3)
    half = re.match(r"([12])H", period)
    if half:
        return (year, int(half.group(1)) * 6)
    return (year, 12)

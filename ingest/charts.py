"""Bar charts in a page image, read as tables.

OCR reads a bar chart's values and labels as scattered words: "Internal Breach of
Security", "56%", "2005 Results", "2006 Results", with nothing to say which value is
whose. The picture says it: a value is printed at its bar's end (or on the bar), the bar
runs from the chart's axis, the category is written beside the axis where the bar
starts, and the bar's colour is the colour of a legend swatch, left of its series' name.

`bar_charts` finds, for each figure OCR read, the bar it ends (the longest run of one
colour left of it, or below it); bars that start on one line (at least `MIN_BARS`) make a
chart. Each bar's category is the label nearest it across the axis; its series is the
legend entry of its colour (a chart with bars of one colour has one series, and needs no
legend). The chart is one table: a row per category, a column per series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import ndimage

# A value printed on or beside a bar: a number, a percentage, an amount, as OCR reads it.
VALUE_RE = re.compile(r"^\(?[-+]?[$€£¥]?\d{1,3}(?:[,.]\d+)*(?:\.\d+)?\s*(?:%|[kKmMbB]n?)?\)?[.,:;]?$")
VALUE_EDGE_RE = re.compile(r"^[|}\]!\[]+|(?<=%)[oO°]?[.,:;]*$|(?<=\d)[.,:;]+$")
# Two pixels of one colour differ by at most this much on every channel (0-255); one
# that differs from the page's background by more is ink or paint.
SAME_COLOUR = 40
# A bar ends where this many pixels in a row differ from its colour.
BREAK = 3
# A bar is at least this long (a 2% bar of a survey chart at 300 dpi is 0.1 inch) and
# at least this share of its value's text height thick (a ruling line or a letter's
# stroke is thinner).
MIN_BAR_INCH = 0.03
MIN_THICKNESS = 0.3
# A value is printed at most this many text heights from its bar's end.
GAP = 1.0
# Bars whose starts lie this close (inch) start on one axis; a chart has this many.
AXIS_INCH = 0.05
MIN_BARS = 3
# A category label ends (left of a horizontal chart's axis) or starts (below a vertical
# one's) at most this far from the axis, and lies at most this many bar thicknesses
# from the bar's middle across it.
LABEL_GAP_INCH = 0.6
LABEL_REACH = 1.75
# Words of one label below a vertical chart are at most this many text heights apart
# (a word space is about a third of one; labels side by side are further apart).
LABEL_SPACE = 0.6
# When this share of a chart's values are percentages, all are.
PERCENT_SHARE = 0.5
# A value whose bar's length is this close to the length the chart's scale (the median
# ratio of value to length) gives it fits the scale; when this share of the values fit,
# those that do not are misread.
SCALE_TOLERANCE = 0.25
SCALE_AGREE = 0.6
BAR_EDGE_PX = 4
# A legend swatch: left of its series' name, at most this many text heights away, with
# at least this share of the text height squared in the bar's colour.
SWATCH_REACH = 2.5
SWATCH_SHARE = 0.15
SWATCH_SIZE = 1.5


# Boxes of the page image, and whether to read them with a margin around them -> the one
# line of text read in each, and its confidence.
LineReader = Callable[[list[tuple[float, float, float, float]], bool], list[tuple[str, float]]]
# A bar whose value the page's reading lost is found at most this many bar thicknesses
# beyond the bars read, and between this share of their thickness and its inverse; its
# value, read again, is within this share (and a unit's rounding) of what its length gives.
REREAD_REACH = 4.0
MIN_THICKNESS_SHARE = 0.6
REREAD_TOLERANCE = 0.1
UNSURE_TOLERANCE = 0.03
REREAD_ROUNDING = 0.6


@dataclass(frozen=True)
class _Value:
    text: str
    confidence: float
    box: tuple[float, float, float, float]


def _value_text(text: str) -> str:
    """A value as printed: OCR reads a bar's edge before it as "|" or "}", the circle of a
    "%" twice ("24%o"), and a speck after it as a comma."""
    return VALUE_EDGE_RE.sub("", text)


@dataclass(frozen=True)
class ChartTable:
    box: tuple[float, float, float, float]  # x0, top, x1, bottom, in the words' units
    cells: tuple[tuple[str, ...], ...]  # header (series) first, then a row per category


@dataclass(frozen=True)
class _Bar:
    value: Any  # the OCR word
    colour: Any  # RGB, int16
    start: int  # where the bar leaves the axis: x (horizontal) or y (vertical)
    middle: float  # its middle across: y (horizontal) or x (vertical)
    thickness: int
    box: tuple[int, int, int, int]
    length: int  # from the axis to its end (to its value, when the value is written on it)


def bar_charts(
    image: Any, words: Sequence[Any], dpi: int, confident: float, read: LineReader | None = None
) -> list[ChartTable]:
    """The bar charts of a page image (RGB) whose words OCR read (`words`, pixel boxes); a
    value is taken when read with at least `confident` confidence. With `read` (a box of
    the image -> its one line of text and confidence), a horizontal chart's bars whose
    value the page's reading lost are found by their colour and read one by one
    (`_missed_bars`)."""
    pixels = np.asarray(image).astype(np.int16)
    if pixels.ndim != 3 or min(pixels.shape[:2]) < 10:
        return []
    corners = np.concatenate([pixels[:4, :4].reshape(-1, 3), pixels[-4:, -4:].reshape(-1, 3)])
    background = np.median(np.concatenate([corners, pixels[::8, ::8].reshape(-1, 3)]), axis=0)
    sure = [(w, _value_text(w.text)) for w in words if w.confidence >= confident]
    values = [
        _Value(text, w.confidence, w.box) for w, text in sure if VALUE_RE.match(text) and any(c.isdigit() for c in text)
    ]
    # Labels and legends are words read as surely as values; OCR's reading of a picture's
    # texture is not.
    words = [w for w, text in sure if not VALUE_RE.match(text)] + values
    if len(values) < MIN_BARS:
        return []
    charts = []
    for horizontal in (True, False):
        bars = [bar for bar in (_bar_of(pixels, background, value, horizontal, dpi) for value in values) if bar]
        for axis in _axes(bars, AXIS_INCH * dpi):
            if read is not None and horizontal:
                axis = _with_values_reread(pixels, axis, dpi, confident, read)
            chart = _chart(pixels, words, axis, horizontal, dpi)
            if chart is not None:
                charts.append(chart)
    # A value is one bar's: of two readings of the same figures, the one with more rows.
    kept: list[ChartTable] = []
    for chart in sorted(charts, key=lambda c: -len(c.cells)):
        if not any(boxes_meet(chart.box, other.box) for other in kept):
            kept.append(chart)
    return kept


def _bar_of(pixels: Any, background: Any, word: Any, horizontal: bool, dpi: int) -> _Bar | None:
    """The bar `word` ends: the longest run of one colour (not the background's) left of
    it (horizontal) or below it (vertical), probed across its middle half."""
    x0, top, x1, bottom = (round(v) for v in word.box)
    height = max(1, bottom - top)
    gap = max(2, int(GAP * height))
    shortest = max(2, int(MIN_BAR_INCH * dpi))
    limit_y = pixels.shape[0] - 1
    best: tuple[int, int, Any, int] | None = None  # run length, probe position across, colour, pixels skipped
    if horizontal:
        x = x0 - 1
        if x < 1:
            return None
        probes = range(top + height // 4, bottom - height // 4 + 1, max(1, height // 8))
        for y in probes:
            skipped, run, colour = _run(pixels[y, : x + 1][::-1], background, gap, shortest)
            if run and (best is None or run > best[0]):
                best = (run, y, colour, skipped)
    else:
        y = bottom + 1
        if y >= limit_y:
            return None
        width = x1 - x0
        probes = range(x0 + width // 4, x1 - width // 4 + 1, max(1, width // 8))
        for x in probes:
            skipped, run, colour = _run(pixels[y:, x], background, gap, shortest)
            if run and (best is None or run > best[0]):
                best = (run, x, colour, skipped)
    if best is None:
        return None
    run, across, colour, skipped = best
    if horizontal:
        x -= skipped
        start, end = x - run + 1, x
        line = pixels[:, (start + end) // 2]
    else:
        y += skipped
        start, end = y + run - 1, y
        line = pixels[(start + end) // 2, :]
    same = np.abs(line - colour).max(axis=-1) <= SAME_COLOUR
    low, high = across, across
    while low > 0 and same[low - 1]:
        low -= 1
    while high < len(same) - 1 and same[high + 1]:
        high += 1
    thickness = high - low + 1
    if thickness < MIN_THICKNESS * height:
        return None
    box = (start, low, end, high) if horizontal else (low, end, high, start)
    return _Bar(word, colour, start, (low + high) / 2, thickness, box, run)


def _with_values_reread(pixels: Any, bars: list[_Bar], dpi: int, confident: float, read: LineReader) -> list[_Bar]:
    """A horizontal chart's bars, with those whose value the page's reading lost or misread
    (OCR misses a value set close to the next bar's, reads "18%" as "189") read again:
    runs of a series' colour leaving the axis, as thick as its bars, around them; each
    bar's value read on its own right of its end (`read`). A value is taken when within
    REREAD_TOLERANCE of what its bar's length gives at the chart's scale (the values read
    with the page give the scale), UNSURE_TOLERANCE when OCR is unsure of it: a reading of
    a neighbour's value instead is off it."""
    scale = [_number(bar.value.text) / bar.length for bar in bars if bar.length and _number(bar.value.text)]
    if len(scale) < MIN_BARS:
        return bars
    per_pixel = float(np.median(scale))
    percent = sum(bar.value.text.endswith("%") for bar in bars) >= PERCENT_SHARE * len(bars)

    def fits(text: str, length: int, tolerance: float) -> bool:
        expected = length * per_pixel
        number = _number(text)
        return bool(number) and abs(number - expected) <= tolerance * expected + REREAD_ROUNDING

    read_well = [
        bar
        for bar in bars
        if fits(bar.value.text, bar.length, REREAD_TOLERANCE) and (bar.value.text.endswith("%") or not percent)
    ]
    # Bars found reach further: the chart's extent grows until no bar is left beside it.
    found: list[_Bar] = []
    tried: set[int] = set()
    while new := _missed_bars(pixels, bars + found, read_well + found, tried, percent, dpi, confident, read, fits):
        found += new
    return read_well + found


def _missed_bars(
    pixels: Any,
    bars: list[_Bar],
    kept: list[_Bar],
    tried: set[int],
    percent: bool,
    dpi: int,
    confident: float,
    read: LineReader,
    fits: Callable[[str, int, float], bool],
) -> list[_Bar]:
    """The bars of one series' colour or another leaving the axis of `bars`, beside them,
    but those `kept` and those `tried` before (by their top), each with its value read
    again (see `_with_values_reread`)."""
    axis = int(np.median([bar.start for bar in bars]))
    thickness = float(np.median([bar.thickness for bar in bars]))
    text_height = float(np.median([_height(bar.value) for bar in bars]))
    colours = _colours(bars)
    candidates: list[_Bar] = []
    first = max(0, int(min(bar.box[1] for bar in bars) - REREAD_REACH * thickness))
    last = min(pixels.shape[0], int(max(bar.box[3] for bar in bars) + REREAD_REACH * thickness))
    column = pixels[first:last, min(axis + BAR_EDGE_PX, pixels.shape[1] - 1)]
    for colour in colours:
        same = np.abs(column - colour).max(axis=-1) <= SAME_COLOUR
        pieces, _ = ndimage.label(same)
        for rows in ndimage.find_objects(pieces):
            low, high = first + rows[0].start, first + rows[0].stop - 1
            if not MIN_THICKNESS_SHARE * thickness <= high - low + 1 <= thickness / MIN_THICKNESS_SHARE:
                continue
            middle = (low + high) / 2
            if low in tried or any(bar.box[1] <= middle <= bar.box[3] for bar in kept):
                continue  # a bar whose value was read, or read again in vain
            tried.add(low)
            row = pixels[int(middle), axis:]
            differs = np.abs(row - colour).max(axis=-1) > SAME_COLOUR
            ends = np.flatnonzero(np.convolve(differs, np.ones(BREAK, int), "valid") == BREAK)
            length = int(ends[0]) if ends.size else len(row)
            if length < MIN_BAR_INCH * dpi:
                continue
            end = axis + length
            box = (end + 1, middle - 0.75 * text_height, end + 1 + 5 * text_height, middle + 0.75 * text_height)
            value = _Value("", 0.0, box)
            candidates.append(_Bar(value, colour, axis, middle, high - low + 1, (axis, low, end, high), length))
    # Each value read on its own, as cropped; those not borne out, again with a margin.
    found: list[_Bar] = []
    for margin in (False, True):
        readings = read([bar.value.box for bar in candidates], margin) if candidates else []
        left = []
        for bar, (text, confidence) in zip(candidates, readings, strict=True):
            text = _value_text(text.replace(" ", ""))
            if percent and text and not text.endswith("%"):
                text += "%"  # OCR lost the sign of one value among percentages
            # A reading OCR is unsure of is taken only when its bar's length says as much.
            tolerance = REREAD_TOLERANCE if confidence >= confident else UNSURE_TOLERANCE
            if VALUE_RE.match(text) and fits(text, bar.length, tolerance):
                found.append(replace(bar, value=_Value(text, confidence, bar.value.box)))
            else:
                left.append(bar)
        candidates = left
    return found


def _colours(bars: list[_Bar]) -> list[Any]:
    """The distinct colours of `bars` (two within SAME_COLOUR of each other are one), in
    the order they first appear."""
    colours: list[Any] = []
    for bar in bars:
        if not any(np.abs(bar.colour - c).max() <= SAME_COLOUR for c in colours):
            colours.append(bar.colour)
    return colours


def _run(line: Any, background: Any, gap: int, shortest: int) -> tuple[int, int, Any]:
    """The first run of one colour, not the background's, that starts within `gap`
    pixels of `line`'s start (pixels from the probe outward) and is at least `shortest`
    long (a bar's outline, shadow or blurred edge before it is passed over): the pixels
    before it, its length (0 when there is none) and its colour (the median of its first
    `shortest` pixels). The run ends where `BREAK` pixels in a row differ from its colour
    (a speck of noise inside a bar does not end it)."""
    position = 0
    while position <= gap and position + shortest <= len(line):
        colour = np.median(line[position : position + shortest], axis=0)
        differs = np.abs(line[position:] - colour).max(axis=-1) > SAME_COLOUR
        if differs[0]:
            position += 1
            continue
        ends = np.flatnonzero(np.convolve(differs, np.ones(BREAK, int), "valid") == BREAK)
        length = int(ends[0]) if ends.size else len(line) - position
        if length >= shortest and np.abs(colour - background).max() > SAME_COLOUR:
            return position, length, colour
        position += max(1, length)
    return 0, 0, None


def _axes(bars: list[_Bar], tolerance: float) -> list[list[_Bar]]:
    """Bars grouped by where they start, groups of at least `MIN_BARS`."""
    groups: list[list[_Bar]] = []
    for bar in sorted(bars, key=lambda b: b.start):
        if groups and bar.start - groups[-1][0].start <= tolerance:
            groups[-1].append(bar)
        else:
            groups.append([bar])
    return [group for group in groups if len(group) >= MIN_BARS]


def _chart(pixels: Any, words: Sequence[Any], bars: list[_Bar], horizontal: bool, dpi: int) -> ChartTable | None:
    axis = float(np.median([bar.start for bar in bars]))
    taken = {id(bar.value) for bar in bars}
    labels = _labels(words, taken, axis, horizontal, LABEL_GAP_INCH * dpi)
    if not labels:
        return None
    series = _series(pixels, words, bars, taken)
    if series is None:
        return None
    names, colour_of = series
    rows: dict[int, dict[int, _Bar | None]] = {}
    for bar in bars:
        index = min(range(len(labels)), key=lambda i: abs(labels[i][1] - bar.middle))
        middle = labels[index][1]
        if abs(middle - bar.middle) > LABEL_REACH * bar.thickness:
            continue
        column = colour_of(bar)
        held = rows.setdefault(index, {})
        # Two values for one bar's place (OCR split one, or misplaced one): neither.
        held[column] = None if column in held else bar
    rows = {index: {c: bar for c, bar in held.items() if bar is not None} for index, held in rows.items()}
    rows = {index: held for index, held in rows.items() if held}
    if len(rows) < 2 and len(names) < 2:
        return None
    # Values printed with a "%" but one: OCR read that one's sign as a digit ("18%" as
    # "189"); it is left out, not guessed.
    placed = [bar for held in rows.values() for bar in held.values()]
    percent = [bar.value.text.endswith("%") for bar in placed]
    if sum(percent) >= PERCENT_SHARE * len(placed):
        rows = {i: {c: bar for c, bar in held.items() if bar.value.text.endswith("%")} for i, held in rows.items()}
        rows = {i: held for i, held in rows.items() if held}
        placed = [bar for held in rows.values() for bar in held.values()]
    # A bar's length is its value's, at one scale for the chart: a value off that scale
    # is misread ("40%" on a bar as long as its neighbour's "10%"), and left out.
    # Its length may be off by its value's rounding (half a unit) and a bar's edge.
    measured = {
        id(bar): (_number(bar.value.text), bar.length) for bar in placed if bar.length and _number(bar.value.text)
    }
    if len(measured) >= MIN_BARS:
        middle = float(np.median([value / length for value, length in measured.values()]))
        fits = {
            key
            for key, (value, length) in measured.items()
            if abs(length - value / middle) <= SCALE_TOLERANCE * value / middle + 0.5 / middle + BAR_EDGE_PX
        }
        scale = measured
        if len(fits) >= SCALE_AGREE * len(scale):
            rows = {i: {c: bar for c, bar in held.items() if id(bar) in fits} for i, held in rows.items()}
            rows = {i: held for i, held in rows.items() if held}
            placed = [bar for held in rows.values() for bar in held.values()]
    if len(placed) < MIN_BARS:
        return None
    header = ("", *names)
    body = tuple(
        (labels[index][0], *(rows[index][c].value.text if c in rows[index] else "" for c in range(len(names))))
        for index in sorted(rows, key=lambda i: labels[i][1])
    )
    boxes = [bar.box for bar in placed] + [bar.value.box for bar in placed] + [labels[i][2] for i in rows]
    box = (
        float(min(b[0] for b in boxes)),
        float(min(b[1] for b in boxes)),
        float(max(b[2] for b in boxes)),
        float(max(b[3] for b in boxes)),
    )
    return ChartTable(box, (header, *body))


def _labels(
    words: Sequence[Any], taken: set[int], axis: float, horizontal: bool, reach: float
) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """The category labels beside the axis: each its text, its middle across the axis, and
    its box. Horizontal bars: lines of words ending left of the axis, near it. Vertical
    bars: words starting below the axis, near it, joined into labels by the gaps between
    them."""
    free = [w for w in words if id(w) not in taken and any(c.isalnum() for c in w.text)]
    if horizontal:
        rows: list[list[Any]] = []
        for word in sorted((w for w in free if w.box[2] <= axis + _height(w) / 2), key=lambda w: _middle_y(w)):
            if rows and abs(_middle_y(word) - _middle_y(rows[-1][-1])) <= _height(word) / 2:
                rows[-1].append(word)
            else:
                rows.append([word])
        labels = []
        for row in rows:
            row.sort(key=lambda w: w.box[0])
            # The words that run up to the axis, each within a wide space of the next.
            run = [row[-1]]
            for word in reversed(row[:-1]):
                if run[0].box[0] - word.box[2] > 1.5 * _height(word):
                    break
                run.insert(0, word)
            if axis - run[-1].box[2] > reach:
                continue
            labels.append((" ".join(w.text for w in run), float(np.mean([_middle_y(w) for w in run])), _union(run)))
        return labels
    below = sorted((w for w in free if axis - _height(w) / 2 <= w.box[1] <= axis + reach), key=lambda w: w.box[0])
    if not below:
        return []
    first_line = min(w.box[1] for w in below)
    line = [w for w in below if w.box[1] <= first_line + _height(below[0])]
    groups: list[list[Any]] = []
    for word in line:
        if groups and word.box[0] - groups[-1][-1].box[2] <= LABEL_SPACE * _height(word):
            groups[-1].append(word)
        else:
            groups.append([word])
    return [(" ".join(w.text for w in g), (g[0].box[0] + g[-1].box[2]) / 2, _union(g)) for g in groups]


def _series(pixels: Any, words: Sequence[Any], bars: list[_Bar], taken: set[int]) -> tuple[list[str], Any] | None:
    """The chart's series: their names, and which one a bar is of. Bars of one colour are
    one series, unnamed; of several, each colour is named by the legend entry whose
    swatch has it."""
    colours = _colours(bars)

    def nearest(bar: _Bar) -> int:
        return min(range(len(colours)), key=lambda i: int(np.abs(bar.colour - colours[i]).max()))

    if len(colours) == 1:
        return [""], lambda bar: 0
    names = []
    for colour in colours:
        name = _legend_name(pixels, words, colour, [c for c in colours if c is not colour], taken)
        if name is None:
            return None
        names.append(name)
    if len(set(names)) < len(names):
        return None
    return names, nearest


def _legend_name(pixels: Any, words: Sequence[Any], colour: Any, others: list[Any], taken: set[int]) -> str | None:
    """The legend entry of `colour`: the words right of a swatch in that colour, up to the
    next swatch (of another series' colour) or a wide space."""
    for word in sorted(words, key=lambda w: (w.box[1], w.box[0])):
        if id(word) in taken or not any(c.isalnum() for c in word.text):
            continue
        if not _swatch_left_of(pixels, word, colour):
            continue
        row = sorted(
            (w for w in words if abs(_middle_y(w) - _middle_y(word)) <= _height(word) / 2 and w.box[0] >= word.box[0]),
            key=lambda w: w.box[0],
        )
        name = [row[0]]
        for following in row[1:]:
            if following.box[0] - name[-1].box[2] > 1.2 * _height(word):
                break
            if any(_swatch_left_of(pixels, following, other) for other in others):
                break
            name.append(following)
        text = " ".join(w.text for w in name).strip(" ■□•@®")
        return text or None
    return None


def _swatch_left_of(pixels: Any, word: Any, colour: Any) -> bool:
    """Whether a swatch of `colour` lies just left of `word`: a patch of that colour, no
    taller or wider than `SWATCH_SIZE` text heights, with none of it further left or above
    or below (a bar beside a label is no swatch)."""
    x0, top, _, bottom = (round(v) for v in word.box)
    height = max(1, bottom - top)
    left = x0 - int(2 * SWATCH_REACH * height)
    above, below = top - height, bottom + height
    if left < 0 or above < 0 or below >= pixels.shape[0]:
        return False
    patch = pixels[above : below + 1, left:x0]
    matching = np.abs(patch - colour).max(axis=-1) <= SAME_COLOUR
    pieces, _ = ndimage.label(matching)
    for index, (rows, cols) in enumerate(ndimage.find_objects(pieces), start=1):
        tall, wide = rows.stop - rows.start, cols.stop - cols.start
        if rows.start == 0 or rows.stop == len(matching) or cols.start == 0:
            continue  # it reaches further: a bar, not a swatch
        if cols.stop < matching.shape[1] - SWATCH_REACH * height:
            continue
        small = tall < SWATCH_SIZE * height and wide < SWATCH_SIZE * height
        if small and int((pieces[rows, cols] == index).sum()) >= SWATCH_SHARE * height * height:
            return True
    return False


def _number(text: str) -> float:
    """A value's number as printed, whatever its unit ("1,608" -> 1608, "24%" -> 24); 0
    when it reads as none."""
    digits = re.sub(r"[^\d.]", "", text.replace(",", ""))
    try:
        return float(digits)
    except ValueError:
        return 0.0


def _height(word: Any) -> float:
    return max(1.0, float(word.box[3] - word.box[1]))


def _middle_y(word: Any) -> float:
    return (word.box[1] + word.box[3]) / 2


def _union(words: Sequence[Any]) -> tuple[float, float, float, float]:
    return (
        float(min(w.box[0] for w in words)),
        float(min(w.box[1] for w in words)),
        float(max(w.box[2] for w in words)),
        float(max(w.box[3] for w in words)),
    )


def boxes_meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two (x0, top, x1, bottom) boxes overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

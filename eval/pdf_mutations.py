"""Damaged PDFs, made on purpose: seeded mutations of real PDFs for the ingest fuzz test.

Each mutation kind is a small pure function `(data, rng) -> bytes`. A case is one kind
applied to one document with its own `random.Random`, seeded from the case id's parts
(`COSTCO_2023Q1_EARNINGS.pdf:zero_region:seed=20240601:case=17`), so the id alone gives
back the exact bytes (`mutated_bytes(case)`), on any machine and in any order.
"""

from __future__ import annotations

import functools
import io
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Real PDFs of three makes (a PDF library's slides, two earnings releases from office
# suites), small enough that a case's ingest takes seconds: 4, 13 and 43 pages.
DOCUMENTS = (
    REPO_ROOT / "data" / "corpus" / "COSTCO_2023Q1_EARNINGS.pdf",
    REPO_ROOT / "data" / "corpus" / "BESTBUY_2023Q4_EARNINGS.pdf",
    REPO_ROOT / "data" / "deck.pdf",
)
# The default seed: fixed, so every run makes the same cases; `--seed` gives others.
DEFAULT_SEED = 20240601
# Declared stream lengths far past any file: a reader that trusts them reads or
# allocates that much.
HUGE_LENGTHS = (b"99999999999", b"9223372036854775807", b"18446744073709551617", b"4294967295", b"-1")
# What `huge_length`'s bomb inflates to: far past any page's contents, and past pypdf's
# cap on what one stream may inflate to (75 MB).
INFLATED_BYTES = 2**30
# Nesting depths of the injected array or dictionary: past Python's recursion limit
# (1,000) and qpdf's nesting limit (500), up to what a 100 KB object holds.
NESTING_DEPTHS = (1_000, 10_000, 100_000)

OBJECT_RE = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
STREAM_RE = re.compile(rb"stream\r?\n")
STARTXREF_RE = re.compile(rb"startxref\s+(-?\d+)")
XREF_ENTRY_RE = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
XREF_SUBSECTION_RE = re.compile(rb"(?m)^(\d+) (\d+)\s*$")
PAGE_RE = re.compile(rb"/Type\s*/Page\b")
LENGTH_RE = re.compile(rb"/Length\s+(\d+\s+\d+\s+R|\d+)")


@dataclass(frozen=True)
class FuzzCase:
    """One mutated PDF: `kind` applied to `document` with the generator seeded by `seed` and `number`."""

    document: Path
    kind: str
    seed: int
    number: int

    @property
    def case_id(self) -> str:
        return f"{self.document.name}:{self.kind}:seed={self.seed}:case={self.number}"


def mutated_bytes(case: FuzzCase) -> bytes:
    """The case's PDF: the document's bytes with the case's mutation applied."""
    rng = random.Random(case.case_id)  # a string seed: the same stream everywhere (not hash-randomised)
    return MUTATIONS[case.kind](case.document.read_bytes(), rng)


def fuzz_cases(count: int, seed: int = DEFAULT_SEED) -> list[FuzzCase]:
    """`count` cases spread evenly over the documents and, for each, over the kinds."""
    kinds = list(MUTATIONS)
    return [
        FuzzCase(DOCUMENTS[number % len(DOCUMENTS)], kinds[number // len(DOCUMENTS) % len(kinds)], seed, number)
        for number in range(count)
    ]


def parse_case_id(case_id: str) -> FuzzCase:
    """The case a `case_id` names; `ValueError` when it names no document or kind."""
    match = re.fullmatch(r"(?P<name>[^:]+):(?P<kind>\w+):seed=(?P<seed>-?\d+):case=(?P<number>\d+)", case_id)
    documents = {document.name: document for document in DOCUMENTS}
    if match is None or match["name"] not in documents or match["kind"] not in MUTATIONS:
        raise ValueError(f"not a fuzz case id (document:kind:seed=S:case=N): {case_id}")
    return FuzzCase(documents[match["name"]], match["kind"], int(match["seed"]), int(match["number"]))


def truncate(data: bytes, rng: random.Random) -> bytes:
    """The file cut at a random point (a download that stopped)."""
    return data[: rng.randrange(1, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    """1-32 bytes anywhere XOR-ed with a random non-zero value (bit rot, a bad copy)."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        out[rng.randrange(len(out))] ^= rng.randrange(1, 256)
    return bytes(out)


def zero_region(data: bytes, rng: random.Random) -> bytes:
    """A run of up to 16 KB zeroed (a lost disk block)."""
    start = rng.randrange(len(data))
    length = rng.randint(1, min(16_384, len(data) - start))
    return data[:start] + bytes(length) + data[start + length :]


def broken_startxref(data: bytes, rng: random.Random) -> bytes:
    """The last `startxref` pointing at the wrong place, past the end, or at no number."""
    matches = list(STARTXREF_RE.finditer(data))
    if not matches:
        return data + b"\nstartxref\n0\n%%EOF\n"
    value = matches[-1].group(1)
    offset = int(value)
    replacement = rng.choice(
        [
            b"0",
            b"%d" % (len(data) + rng.randint(1, 1_000_000)),
            b"%d" % rng.randrange(len(data)),
            b"%d" % max(0, offset + rng.choice([-1, 1]) * rng.randint(1, 64)),
            b"99999999999999999999",
            b"-1",
            b"x" * len(value),
        ]
    )
    return data[: matches[-1].start(1)] + replacement + data[matches[-1].end(1) :]


def broken_xref(data: bytes, rng: random.Random) -> bytes:
    """The cross-reference table garbled: entries moved or freed, a subsection's count wrong,
    lines missing. A file with an xref stream instead gets `broken_object_stream`'s damage."""
    entries = list(XREF_ENTRY_RE.finditer(data))
    if not entries:
        return broken_object_stream(data, rng)
    variant = rng.choice(["moved", "freed", "count", "lines missing"])
    out = bytearray(data)
    if variant == "moved":
        for entry in rng.sample(entries, min(len(entries), rng.randint(1, 20))):
            out[entry.start(1) : entry.end(1)] = b"%010d" % rng.randrange(min(len(data), 9_999_999_999))
    elif variant == "freed":
        for entry in rng.sample(entries, min(len(entries), rng.randint(1, 20))):
            out[entry.start(3) : entry.end(3)] = b"f"
    elif variant == "count":
        table = data.rfind(b"xref", 0, entries[0].start())
        header = XREF_SUBSECTION_RE.search(data, table)
        if header is None:
            return truncate(data, rng)
        count = rng.choice([b"0", b"1", b"%d" % (int(header.group(2)) * 1000), b"99999999999"])
        return data[: header.start(2)] + count + data[header.end(2) :]
    else:
        first = rng.randrange(len(entries))
        last = min(len(entries) - 1, first + rng.randint(0, 50))
        del out[entries[first].start() : entries[last].end()]
    return bytes(out)


def corrupt_stream(data: bytes, rng: random.Random) -> bytes:
    """Inside one `stream ... endstream` (page contents, a font, an image): bytes flipped,
    a run zeroed, or the data replaced by noise, its declared length kept."""
    bodies = _stream_bodies(data)
    if not bodies:
        return flip_bytes(data, rng)
    start, end = rng.choice(bodies)
    body = bytearray(data[start:end])
    if not body:
        return flip_bytes(data, rng)
    variant = rng.choice(["flipped", "zeroed", "noise"])
    if variant == "flipped":
        for _ in range(rng.randint(1, 16)):
            body[rng.randrange(len(body))] ^= rng.randrange(1, 256)
    elif variant == "zeroed":
        first = rng.randrange(len(body))
        length = rng.randint(1, len(body) - first)
        body[first : first + length] = bytes(length)
    else:
        body = bytearray(rng.randbytes(len(body)))
    return data[:start] + bytes(body) + data[end:]


def broken_object_stream(data: bytes, rng: random.Random) -> bytes:
    """The file rewritten (by qpdf) with its objects in object streams and a cross-reference
    stream, then one of those broken: an object stream's type, object count, first offset,
    offset table, objects or compressed data; the xref stream's field widths, index or
    rows. Edits keep their length where they can, so the other offsets stay right."""
    variant = rng.choice(["type", "count", "first", "offsets", "objects", "compressed", "widths", "index", "rows"])
    packed = _with_object_streams(data, compressed=variant == "compressed")
    object_streams, xref_streams = _typed_streams(packed, b"/ObjStm"), _typed_streams(packed, b"/XRef")
    if not object_streams or not xref_streams:
        return corrupt_stream(packed, rng)
    start, body, end = xref_streams[-1] if variant in ("widths", "index", "rows") else rng.choice(object_streams)
    dictionary = packed[start:body]
    if variant in ("rows", "compressed"):
        out = bytearray(packed)
        for _ in range(rng.randint(1, 16)):
            out[rng.randrange(body, end)] ^= rng.randrange(1, 256)
        return bytes(out)
    if variant in ("offsets", "objects"):  # the table of "number offset" pairs, or the objects after it
        first = re.search(rb"/First (\d+)", dictionary)
        split = body + (int(first.group(1)) if first else 0)
        span = (body, split) if variant == "offsets" else (split, end)
        if span[0] >= span[1]:
            span = (body, end)
        out = bytearray(packed)
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(*span)] = rng.choice(b"0123456789 <>[]()/")
        return bytes(out)
    if variant == "type":
        edited = dictionary.replace(b"/ObjStm", rng.choice([b"/ObjStn", b"/XRef  ", b"/Page  "]), 1)
    elif variant in ("count", "first"):
        key = b"/N" if variant == "count" else b"/First"
        edited = re.sub(
            re.escape(key) + rb" (\d+)",
            lambda match: key + b" " + _same_width(match.group(1), rng),
            dictionary,
            count=1,
        )
    elif variant == "widths":
        widths = rng.choice([b"[ 9 3 1 ]", b"[ 0 0 0 ]", b"[ 1 9 1 ]", b"[ 1 3 9 ]", b"[ 1 3   ]"])
        edited = re.sub(rb"\[ *\d+ +\d+ +\d+ *\]", widths, dictionary, count=1)
    else:
        index = rng.choice([b"[ 0 999999999 ]", b"[ 5 ]", b"[ -1 10 ]", b"[ 0 1 0 1 ]"])
        edited = dictionary.replace(b"/XRef", b"/XRef /Index " + index, 1)
    return packed[:start] + edited + packed[body:]


def huge_length(data: bytes, rng: random.Random) -> bytes:
    """One to three streams declaring a length far past the file's (or a negative one); or,
    one time in four, a page's contents replaced by a small stream that inflates to 1 GiB."""
    lengths = list(LENGTH_RE.finditer(data))
    pages = _page_objects(data)
    if pages and (rng.random() < 0.25 or not lengths):
        number, dictionary = rng.choice(pages)
        size = _trailer_size(data)
        bomb = _inflation_bomb()
        objects = {size: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"}
        objects[number] = b"<< /Contents %d 0 R " % size + _without_key(dictionary, b"/Contents")[2:]
        return _append_update(data, objects, size + 1)
    if not lengths:
        return flip_bytes(data, rng)
    out = data
    for match in sorted(rng.sample(lengths, min(len(lengths), rng.randint(1, 3))), key=lambda m: -m.start()):
        out = out[: match.start(1)] + rng.choice(HUGE_LENGTHS) + out[match.end(1) :]
    return out


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    """A page updated (an incremental update, as an editor saves) to hold a nested array or
    dictionary thousands deep: inline in its dictionary, as its media box (an object of
    its own), or as an operand in a content stream appended to its contents; or the
    document information dictionary (title, author) replaced by one."""
    pages = _page_objects(data)
    if not pages:
        return truncate(data, rng)
    number, dictionary = rng.choice(pages)
    depth = rng.choice(NESTING_DEPTHS)
    shape = rng.choice(["array", "dictionary"])
    nested = b"[" * depth + b"]" * depth if shape == "array" else b"<< /A " * depth + b"0 " + b">> " * depth
    size = _trailer_size(data)
    place = rng.choice(["inline", "media box", "content", "information"])
    objects: dict[int, bytes] = {}
    if place == "information":
        objects[size] = nested if shape == "dictionary" else b"<< /Title " + nested + b" >>"
        return _append_update(data, objects, size + 1, information=size)
    if place == "inline":
        page = dictionary.replace(b"<<", b"<< /PieceInfo " + nested + b" ", 1)
    elif place == "media box":
        page = b"<< /MediaBox %d 0 R " % size + _without_key(dictionary, b"/MediaBox")[2:]
        objects[size] = nested
    else:
        operator = b" TJ" if shape == "array" else b" BDC EMC"
        content = (
            (b"BT " if shape == "array" else b"/Span ") + nested + operator + (b" ET" if shape == "array" else b"")
        )
        objects[size] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", dictionary)
        existing = b"" if contents is None else contents.group(1).strip(b"[]")
        page = b"<< /Contents [ %s %d 0 R ] " % (existing, size) + _without_key(dictionary, b"/Contents")[2:]
    objects[number] = page
    return _append_update(data, objects, max(size, *(number + 1 for number in objects)))


def broken_trailer(data: bytes, rng: random.Random) -> bytes:
    """The trailer garbled, duplicated or looping: an update whose `/Prev` points at
    itself, a second trailer whose root is missing, a bogus `/Encrypt`, a wrong `/Size`,
    or the dictionary left unclosed."""
    variant = rng.choice(["prev loop", "missing root", "encrypt", "size", "unclosed"])
    size = _trailer_size(data)
    if variant in ("prev loop", "missing root"):
        at = len(data) + 1
        root = b"%d 0 R" % (size + 1000) if variant == "missing root" else _trailer_value(data, b"/Root")
        prev = at if variant == "prev loop" else _last_startxref(data)
        update = b"xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size %d /Root %s /Prev %d >>\n" % (size, root, prev)
        return data + b"\n" + update + b"startxref\n%d\n%%%%EOF\n" % at
    trailer = data.rfind(b"trailer")
    if trailer < 0:
        return broken_startxref(data, rng)
    opening = data.find(b"<<", trailer)
    if variant == "encrypt":
        bogus = rng.choice([b"<< /Filter /Standard /V 9 /R 99 >>", b"1 0 R", b"(not a dictionary)"])
        return data[: opening + 2] + b" /Encrypt " + bogus + b" " + data[opening + 2 :]
    if variant == "size":
        size_value = rng.choice([b"/Size 0", b"/Size -7", b"/Size 99999999999"])
        return data[:trailer] + re.sub(rb"/Size\s+\d+", size_value, data[trailer:], count=1)
    closing = data.find(b">>", opening)
    return data[:closing] + b"  " + data[closing + 2 :]  # same length: offsets still right


def _stream_bodies(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each stream's data."""
    bodies = []
    for match in STREAM_RE.finditer(data):
        if data[max(0, match.start() - 3) : match.start()] == b"end":
            continue  # the "stream" in "endstream"
        end = data.find(b"endstream", match.end())
        if end > match.end():
            bodies.append((match.end(), end))
    return bodies


def _typed_streams(data: bytes, kind: bytes) -> list[tuple[int, int, int]]:
    """(dictionary start, data start, data end) of each stream object of type `kind`."""
    found = []
    for match in re.finditer(rb"/Type\s*" + re.escape(kind) + rb"\b", data):
        start = data.rfind(b"obj", 0, match.start()) + len(b"obj")
        keyword = STREAM_RE.search(data, match.end())
        if start < len(b"obj") or keyword is None or b"endobj" in data[match.end() : keyword.start()]:
            continue
        end = data.find(b"endstream", keyword.end())
        if end > keyword.end():
            found.append((start, keyword.end(), end))
    return found


def _same_width(number: bytes, rng: random.Random) -> bytes:
    """Another number as wide as `number`: all nines, all zeros, or random digits."""
    width = len(number)
    return rng.choice([b"9" * width, b"0" * width, b"%0*d" % (width, rng.randrange(10**width))])


@functools.cache
def _with_object_streams(data: bytes, compressed: bool) -> bytes:
    """`data` saved by qpdf with object streams and an xref stream (uncompressed unless
    `compressed`: their text can then be edited in place). Deterministic: fixed /ID."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
            compress_streams=compressed,
            stream_decode_level=None if compressed else pikepdf.StreamDecodeLevel.none,
        )
    return out.getvalue()


@functools.cache
def _inflation_bomb() -> bytes:
    """`INFLATED_BYTES` of spaces, deflated (about 1 MB)."""
    compressor = zlib.compressobj(9)
    block = b" " * 2**20
    return b"".join(compressor.compress(block) for _ in range(INFLATED_BYTES // len(block))) + compressor.flush()


def _page_objects(data: bytes) -> list[tuple[int, bytes]]:
    """(number, dictionary) of each page object written in the file's body."""
    pages = []
    for match in OBJECT_RE.finditer(data):
        end = data.find(b"endobj", match.end())
        body = data[match.end() : end].strip()
        if end > 0 and body.startswith(b"<<") and body.endswith(b">>") and PAGE_RE.search(body):
            pages.append((int(match.group(1)), body))
    return pages


def _without_key(dictionary: bytes, key: bytes) -> bytes:
    """`dictionary` without `key` and its value (a number array or a reference)."""
    return re.sub(re.escape(key) + rb"\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", b"", dictionary, count=1)


def _trailer_size(data: bytes) -> int:
    sizes = re.findall(rb"/Size\s+(\d+)", data)
    return int(sizes[-1]) if sizes else 1_000


def _trailer_value(data: bytes, key: bytes) -> bytes:
    found = re.findall(re.escape(key) + rb"\s+(\d+\s+\d+\s+R)", data)
    return found[-1] if found else b"1 0 R"


def _last_startxref(data: bytes) -> int:
    matches = STARTXREF_RE.findall(data)
    return int(matches[-1]) if matches else 0


def _append_update(data: bytes, objects: dict[int, bytes], size: int, information: int | None = None) -> bytes:
    """`data` with an incremental update: `objects` (number -> body) written after it, a
    cross-reference section for them and a trailer chained to the file's own (its
    document information dictionary object `information`, when given)."""
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f\r\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n\r\n" % (number, offset)
    root, prev = _trailer_value(data, b"/Root"), _last_startxref(data)
    extra = b"" if information is None else b" /Info %d 0 R" % information
    out += b"trailer\n<< /Size %d /Root %s%s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, extra, prev, at)
    return bytes(out)


Mutation = Callable[[bytes, random.Random], bytes]
# The kinds, in the order cases cycle through them.
MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip_bytes": flip_bytes,
    "zero_region": zero_region,
    "broken_startxref": broken_startxref,
    "broken_xref": broken_xref,
    "corrupt_stream": corrupt_stream,
    "broken_object_stream": broken_object_stream,
    "huge_length": huge_length,
    "deep_nesting": deep_nesting,
    "broken_trailer": broken_trailer,
}

"""`python -m eval rules`: how much of the answering is written as rules: regular
expressions and word-table entries in the folders that understand questions, match
figures and answer across documents. Counted from the source's syntax tree, so the count is the same for anyone:

- a regular expression is a string literal passed as the pattern of a `re` function
  (`re.compile`, `re.search`, `re.sub`, ...), each string once;
- a word-table entry is a string literal inside a set, frozenset, tuple, list or dict
  literal assigned to an upper-case module-level name (`FILLER_TERMS = frozenset([...])`),
  the ranker's feature names and other names with an underscore aside.
"""

from __future__ import annotations

import ast
from pathlib import Path

FOLDERS = ("understand", "figures", "retriever", "library")
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}


def count_rules(root: Path, folders: tuple[str, ...] = FOLDERS) -> dict[str, dict[str, int]]:
    """Per source file under `folders`: {"regexes": n, "word_entries": m}."""
    counts: dict[str, dict[str, int]] = {}
    for folder in folders:
        for path in sorted((root / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            counts[str(path.relative_to(root))] = {"regexes": _regexes(tree), "word_entries": _word_entries(tree)}
    return counts


def _regexes(tree: ast.AST) -> int:
    patterns: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.func.attr in RE_FUNCTIONS
            and node.args
        ):
            pattern = _literal(node.args[0])
            if pattern is not None:
                patterns.add(pattern)
    # Patterns kept in tuples of (pattern, operation) pairs are rules as well.
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            first = _literal(node.elts[0])
            if first is not None and _looks_like_regex(first):
                patterns.add(first)
    return len(patterns)


def _word_entries(tree: ast.Module) -> int:
    total = 0
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names = [target.id for target in targets if isinstance(target, ast.Name)]
        value = getattr(node, "value", None)
        if not names or not all(name.isupper() for name in names) or value is None:
            continue
        if all(name.endswith("FEATURES") for name in names):  # the ranker's column names
            continue
        if isinstance(value, ast.Call) and _is_regex_call(value):
            continue
        total += sum(
            1
            for inner in ast.walk(value)
            if isinstance(inner, ast.Constant)
            and isinstance(inner.value, str)
            and not _looks_like_regex(inner.value)
            and "_" not in inner.value  # a name (a feature's), not a word
        )
    return total


def _is_regex_call(node: ast.Call) -> bool:
    return isinstance(node.func, ast.Attribute) and node.func.attr == "compile"


def _literal(node: ast.AST) -> str | None:
    """A string literal, or an implicit concatenation / `+` of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _looks_like_regex(text: str) -> bool:
    return any(mark in text for mark in ("\\b", "(?", "\\s", "\\d", "[", "|", ".+", ".*"))


def rules_command(root: Path) -> int:
    counts = count_rules(root)
    print(f"{'file':40} {'regexes':>8} {'word entries':>13}")
    for name, row in counts.items():
        if row["regexes"] or row["word_entries"]:
            print(f"{name:40} {row['regexes']:>8} {row['word_entries']:>13}")
    regexes = sum(row["regexes"] for row in counts.values())
    words = sum(row["word_entries"] for row in counts.values())
    print(f"{'total (' + ', '.join(FOLDERS) + ')':40} {regexes:>8} {words:>13}")
    return 0

"""A small safe evaluator for derived figures: numbers, + - * / and parentheses only.
Parses with `ast` and walks the tree; Python's own evaluator is never used."""

from __future__ import annotations

import ast
import operator

_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class FormulaError(ValueError):
    """The formula uses something other than numbers and + - * / ( )."""


def evaluate(formula: str) -> float:
    """Value of an arithmetic formula like "(158.0 - 113.60) / 158.0 * 100"."""
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as error:
        raise FormulaError(f"not a formula: {formula!r}") from error
    return _walk(tree.body)


def _walk(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _walk(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise FormulaError("division by zero")
        return _OPERATORS[type(node.op)](left, right)
    raise FormulaError(f"unsupported element in formula: {ast.dump(node)[:60]}")


def number_text(value: float) -> str:
    """A number for a formula: no exponent, no trailing zeros beyond what was printed."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"

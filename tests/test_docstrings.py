"""Every public function of the core says what it takes and gives (numpydoc sections)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

CORE = Path(__file__).parents[1] / "src" / "mapviz"


def public_functions(path: Path) -> list[ast.FunctionDef]:
    """The module's public functions and its public classes' public methods."""
    found: list[ast.FunctionDef] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            found.append(node)
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            found += [
                method
                for method in node.body
                if isinstance(method, ast.FunctionDef) and not method.name.startswith("_")
            ]
    return found


def documented_parameters(doc: str) -> set[str]:
    """The names the docstring's Parameters section describes ("a, b : float" names two)."""
    match = re.search(r"Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S)
    if match is None:
        return set()
    names: set[str] = set()
    for line in match.group(1).splitlines():
        if line and not line.startswith(" "):
            names |= {name.strip() for name in line.split(" : ")[0].split(",")}
    return names


def missing_sections(function: ast.FunctionDef) -> list[str]:
    doc = ast.get_docstring(function) or ""
    arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    wanted = {a.arg for a in arguments} - {"self", "cls"}
    missing = [f"parameter {name}" for name in sorted(wanted - documented_parameters(doc))]
    gives_none = isinstance(function.returns, ast.Constant) and function.returns.value is None
    if not gives_none and not re.search(r"(Returns|Yields)\n-+\n", doc):
        missing.append("Returns")
    return missing


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_public_functions_have_parameters_and_returns_sections(path: Path) -> None:
    undocumented = {
        f.name: missing for f in public_functions(path) if (missing := missing_sections(f))
    }
    assert undocumented == {}


def test_the_check_finds_a_missing_section() -> None:
    (function,) = ast.parse(
        'def f(a: int, b: int) -> int:\n    """Add.\n\n    Parameters\n    ----------\n'
        '    a : int\n        One.\n    """\n'
    ).body
    assert isinstance(function, ast.FunctionDef)
    assert missing_sections(function) == ["parameter b", "Returns"]

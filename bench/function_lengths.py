"""Function lengths: how many functions, their median, p90 and longest, and which run over 60 lines.

    .venv/bin/python bench/function_lengths.py [PATH ...]        (default: volunteer/)

Every `def` and `async def` counts, nested functions and methods included; a function's length is
end_lineno - lineno + 1: from the `def` line to the last line of the body, docstring
included, decorators not.
"""

import argparse
import ast
import statistics
import sys
from pathlib import Path
from typing import NamedTuple

LONG = 60


class FunctionLength(NamedTuple):
    """One function: where it is and how many lines it spans."""

    path: Path
    line: int
    name: str
    length: int


def python_files(paths: list[Path]) -> list[Path]:
    """Every .py file under the given files and directories, sorted."""
    files: set[Path] = set()
    for path in paths:
        files.update(path.rglob("*.py") if path.is_dir() else [path])
    return sorted(files)


def function_lengths(path: Path) -> list[FunctionLength]:
    """The length of every function defined anywhere in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        FunctionLength(path, node.lineno, node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def percentile(values: list[int], fraction: float) -> float:
    """The value below which `fraction` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[rank - 1]


def main(argv: list[str] | None = None) -> int:
    """Print the figures for the given paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[Path("volunteer")])
    args = parser.parse_args(argv)
    functions = [f for file in python_files(args.paths) for f in function_lengths(file)]
    if not functions:
        print("no functions found")
        return 1
    lengths = [f.length for f in functions]
    print(f"functions: {len(lengths)}")
    print(f"median:    {statistics.median(lengths):g}")
    print(f"p90:       {percentile(lengths, 0.9):g}")
    print(f"max:       {max(lengths)}")
    long = sorted((f for f in functions if f.length > LONG), key=lambda f: -f.length)
    print(f"over {LONG} lines: {len(long)}")
    for f in long:
        print(f"  {f.length:4d}  {f.path}:{f.line}  {f.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

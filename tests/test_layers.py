"""The code's layout holds: no import cycle between modules, no import hidden inside a function.

The layer contract itself (regions ← accounts ← competition models ← domain ← pages ← demo) is
checked by ``lint-imports`` (pyproject.toml) in ``make lint`` and ``make test``.
"""

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assessments", "districts", "sp2k")


def project_sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_imports_itself_back_through_another():
    graph = grimp.build_graph(*PACKAGES)
    cycles = set()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported == importer or imported.startswith(importer + "."):
                continue  # a package importing its own submodules (models/__init__.py) is no cycle
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back and not importer.startswith(imported + "."):
                cycles.add(" -> ".join((importer, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_no_project_import_is_hidden_inside_a_function():
    hidden = []
    for path in project_sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom) and inner is not node:
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, "imports inside functions (move them to the top, or explain why not):\n" + "\n".join(hidden)

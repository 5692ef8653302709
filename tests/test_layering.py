"""Imports point down the pipeline: a module never imports one from a higher layer."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# Layer of each module; a module may import modules of its own or a lower layer.
LAYERS = {
    "__init__": 0, "errors": 0, "model": 0, "slugs": 0, "xmltext": 0, "sitefiles": 0,
    "stamps": 0, "tuning": 0,
    "config": 1,
    "frontmatter": 2, "markdown": 2, "content": 2, "data": 2,
    "site": 3, "urls": 3,
    "render": 4, "pages": 4, "feeds": 4, "sitemap": 4, "search": 4, "korean": 4,
    "images": 4, "assets": 4, "redirects": 4, "seo": 4,
    "output": 5, "cache": 5, "buildrecord": 5, "inputs": 5,
    "parallel": 6, "stages": 6, "sources": 6, "unchanged": 6, "indexing": 6, "session": 6,
    "build": 6,
    "collector": 6, "articlestore": 6, "siteindex": 6, "append": 6,
    "scaffold": 6, "newsite": 6,
    "serve": 7, "watch": 7, "rebuild": 7, "livereload": 7, "preview_http": 7, "deploy": 7,
    "cli": 8, "__main__": 8,
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "generator":
                names.update(alias.name for alias in node.names)
            elif node.module.startswith("generator."):
                names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("generator."))
    return names


def test_every_module_has_a_layer():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules - LAYERS.keys() == set(), "add new modules to LAYERS in this test"


def test_no_module_imports_from_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.glob("*.py")):
        layer = LAYERS.get(path.stem, 99)
        for name in imported_modules(path):
            if name in LAYERS and LAYERS[name] > layer:
                upward.append(f"{path.stem} (layer {layer}) imports {name} "
                              f"(layer {LAYERS[name]})")
    assert upward == []

"""The arrows of docs/architecture.md hold: nothing imports upward.

Every module of the package is read (imports inside functions included) and each
import is checked against the layer rules:
documents know neither services nor models; models know no services; services know
no blueprint, no CLI and none of Flask's request state; no blueprint imports another.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import volunteer

PACKAGE_DIR = Path(volunteer.__file__).parent
# A blueprint is a package of the app that creates a Flask Blueprint (or the API's).
BLUEPRINTS = sorted(
    {
        path.parent.name
        for path in PACKAGE_DIR.glob("*/*.py")
        if "Blueprint(" in path.read_text(encoding="utf-8")
    }
)
REQUEST_STATE = {
    "flask.request",
    "flask.session",
    "flask.flash",
    "flask.g",
    "flask_login.current_user",
    "flask_login.login_user",
    "flask_login.logout_user",
}
EDGES = {f"volunteer.{name}" for name in BLUEPRINTS} | {"volunteer.cli", "volunteer.web"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every dotted name a module imports, with `from x import y` giving x and x.y."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _within(name: str, prefixes: set[str]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _violations(layer: str, forbidden: set[str]) -> list[str]:
    found = []
    for path in sorted((PACKAGE_DIR / layer).rglob("*.py")):
        found += [
            f"{_module_name(path)} imports {name}"
            for name in sorted(_imports(path))
            if _within(name, forbidden)
        ]
    return found


def test_every_module_imports():
    """Each module can be imported on its own (no import cycle hides behind another)."""
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="volunteer."):
        importlib.import_module(info.name)


def test_documents_know_neither_services_nor_models():
    forbidden = {"volunteer.services", "volunteer.models", "volunteer.printing", "flask"}
    assert _violations("documents", forbidden | EDGES) == []


def test_models_import_no_service_and_no_edge():
    forbidden = {"volunteer.services", "volunteer.printing", "volunteer.documents"}
    assert _violations("models", forbidden | EDGES) == []


def test_services_import_no_blueprint_cli_or_request_state():
    assert _violations("services", EDGES | REQUEST_STATE | {"volunteer.printing"}) == []


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_no_blueprint_imports_another(blueprint):
    others = {f"volunteer.{name}" for name in BLUEPRINTS if name != blueprint}
    assert _violations(blueprint, others) == []


def test_the_blueprint_list_is_the_real_one():
    assert {"api", "auth", "checkin", "compliance", "certificates", "records"} <= set(BLUEPRINTS)

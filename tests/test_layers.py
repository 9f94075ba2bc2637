"""Layers that only point down (docs/architecture.md, "Layers").

Every module of every app is parsed with ``ast`` (nothing is imported, so an import hidden in a function
is seen as well as one at the top), and each reference to another app is collected: ``import`` and
``from … import`` at any depth (``if TYPE_CHECKING`` blocks too), and the dotted paths given as strings
to ``import_module``, ``import_string``, ``include`` or anywhere else (``"traceobject.tips.tasks.x"``).
An app may refer only to the apps below it; a reference upwards, or any cycle between apps, fails the
test with the file and line. The project-level modules (``traceobject/urls.py``, ``public_urls.py``,
``staff_urls.py``, ``partner_urls.py``, ``settings.py``, ``cli.py``) compose the apps and may refer to
any of them.

Django's registry (``apps.get_model``, ``get_user_model``, ``"app.Model"`` relation strings) is not an
import for this purpose.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "traceobject"
DOC = ROOT / "docs" / "architecture.md"

# The one written order, lowest first: an app may refer only to apps before it. ``vault`` and ``api``
# may not exist yet; the doc states the same order (checked below).
LAYERS: tuple[str, ...] = (
    "core",
    "audit",
    "vault",
    "accounts",
    "gallery",
    "imaging",
    "tips",
    "triage",
    "leads",
    "stats",
    "api",
    "demo",
)

VAULT_ALLOWLIST: frozenset[tuple[str, str]] = frozenset()

_DOTTED = re.compile(r"^traceobject(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")


@dataclass(frozen=True)
class Reference:
    source_app: str
    target_app: str
    path: str  # relative to the repository, with forward slashes
    line: int
    module: str  # the module referred to, as far as it is written
    in_function: bool = False  # an import inside a function body

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source_app} -> {self.module}"


def apps_of(package: Path = PACKAGE) -> list[str]:
    """The apps: the packages under ``traceobject/`` with an ``apps.py``."""
    return sorted(p.name for p in package.iterdir() if p.is_dir() and (p / "apps.py").exists())


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module_name: str, is_package: bool) -> list[str]:
    """The modules an ``ImportFrom`` names, relative imports resolved against ``module_name``."""
    if node.level:
        base = module_name.split(".")
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # ``from traceobject.tips import vault`` refers to the module ``traceobject.tips.vault``.
    return [f"{prefix}.{alias.name}" if alias.name != "*" else prefix for alias in node.names] or [prefix]


def references_in_source(
    source: str, *, path: str, module_name: str, is_package: bool = False
) -> list[Reference]:
    """Every reference from the module at ``path`` to a module of another app (any depth)."""
    tree = ast.parse(source, filename=path)
    source_app = module_name.split(".")[1] if module_name.count(".") >= 1 else ""
    found: list[tuple[int, str, bool]] = []  # (line, module, inside a function)
    in_function: set[int] = {
        id(inner)
        for outer in ast.walk(tree)
        if isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for inner in ast.walk(outer)
        if inner is not outer
    }
    for node in ast.walk(tree):
        nested = id(node) in in_function
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, nested) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [(node.lineno, name, nested) for name in _absolute(node, module_name, is_package)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _DOTTED.match(node.value):
            # import_module("…"), import_string("…"), include("…"), a task's path in a job list …
            found.append((node.lineno, node.value, False))
    known = set(LAYERS) | set(apps_of())
    references = []
    for line, module, nested in found:
        parts = module.split(".")
        # Only apps count: ``traceobject.cli`` (a command line to run) or a check id is not an app.
        if len(parts) < 2 or parts[0] != "traceobject" or parts[1] == source_app or parts[1] not in known:
            continue
        references.append(Reference(source_app, parts[1], path, line, module, nested))
    return references


def references(package: Path = PACKAGE) -> list[Reference]:
    """Every cross-app reference in every module of every app, migrations included."""
    found = []
    for app in apps_of(package):
        for file in sorted((package / app).rglob("*.py")):
            found += references_in_source(
                file.read_text(encoding="utf-8"),
                path=file.relative_to(ROOT).as_posix(),
                module_name=_module_name(file),
                is_package=file.name == "__init__.py",
            )
    return found


def _allowed(reference: Reference) -> bool:
    return any(
        reference.path == path and (reference.module == module or reference.module.startswith(f"{module}."))
        for path, module in VAULT_ALLOWLIST
    )


def upward(found: list[Reference], layers: tuple[str, ...] = LAYERS) -> list[Reference]:
    """References to an app that is not below the referring one (unknown apps count as upward)."""
    rank = {app: index for index, app in enumerate(layers)}
    return [
        ref
        for ref in found
        if rank.get(ref.target_app, len(layers)) >= rank.get(ref.source_app, -1) and not _allowed(ref)
    ]


def cycles(found: list[Reference]) -> list[list[str]]:
    """The groups of apps that refer to each other, directly or through others (strongly connected
    components of more than one app), found with Tarjan's algorithm."""
    graph: dict[str, set[str]] = defaultdict(set)
    for ref in found:
        if not _allowed(ref):
            graph[ref.source_app].add(ref.target_app)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for target in sorted(graph.get(app, ())):
            if target not in index:
                visit(target)
                low[app] = min(low[app], low[target])
            elif target in on_stack:
                low[app] = min(low[app], index[target])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return groups


def documented_order(text: str) -> tuple[str, ...]:
    """The order written in docs/architecture.md, on the line ``Layer order: `core < audit < …` ``."""
    match = re.search(r"Layer order[^`]*`([a-z_ <]+)`", text)
    assert match, "docs/architecture.md must state the order as: Layer order: `core < audit < …`"
    return tuple(name.strip() for name in match.group(1).split("<"))


# --- The code ------------------------------------------------------------------------------------------


def test_no_app_refers_to_a_higher_layer() -> None:
    found = upward(references())
    assert not found, (
        "references to a higher layer (use a hook; see docs/architecture.md, Layers):\n"
        + "\n".join(map(str, found))
    )


def test_no_function_level_import_of_another_app() -> None:
    """Imports of another app sit at the top of the module, where a reader sees them; only an
    ``AppConfig.ready()`` imports inside a function (it fills the hooks, and apps load before models)."""
    hidden = [
        ref
        for ref in references()
        if ref.in_function and not ref.path.endswith("/apps.py") and not _allowed(ref)
    ]
    assert not hidden, "function-level imports of another app:\n" + "\n".join(map(str, hidden))


def test_no_cycle_between_apps() -> None:
    assert cycles(references()) == []


def test_every_app_has_a_layer() -> None:
    assert set(apps_of()) <= set(LAYERS), "add the new app to LAYERS and to docs/architecture.md"


def test_the_documented_order_is_the_tested_one() -> None:
    assert documented_order(DOC.read_text(encoding="utf-8")) == LAYERS


def test_the_vault_allowlist_holds_only_references_that_exist() -> None:
    """The temporary allowlist may not grow stale: each pair must still be found in the code, so that it
    shrinks as the vault's code moves (and goes entirely when the vault app lands)."""
    present = {(ref.path, ref.module) for ref in references()}
    stale = {
        pair
        for pair in VAULT_ALLOWLIST
        if not any(p == pair[0] and m.startswith(pair[1]) for p, m in present)
    }
    assert not stale


# --- The checker itself: each kind of reference it must see ------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from traceobject.stats.services import figures_changed\n",
        "def f():\n    from traceobject.stats.services import figures_changed\n",
        "import traceobject.stats.services\n",
        "from traceobject import stats\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from traceobject.stats import selectors\n",
        "from importlib import import_module\nimport_module('traceobject.stats.services')\n",
        "JOBS = ('traceobject.stats.tasks.figures_refresh',)\n",
        "from ..stats import services\n",
    ],
)
def test_the_checker_sees_an_upward_reference(source: str) -> None:
    found = references_in_source(
        source, path="traceobject/gallery/x.py", module_name="traceobject.gallery.x", is_package=False
    )
    assert [(ref.source_app, ref.target_app) for ref in upward(found)] == [("gallery", "stats")]


def test_the_checker_tells_a_function_level_import() -> None:
    source = "from traceobject.core import errors\ndef f():\n    from traceobject.core import permissions\n"
    found = references_in_source(
        source, path="traceobject/gallery/x.py", module_name="traceobject.gallery.x", is_package=False
    )
    assert [(ref.module, ref.in_function) for ref in found] == [
        ("traceobject.core.errors", False),
        ("traceobject.core.permissions", True),
    ]


def test_the_checker_accepts_downward_and_own_references() -> None:
    source = (
        "from traceobject.core.errors import ApplicationError\n"
        "from traceobject.gallery import selectors\n"
        "from . import views\n"
        "SALT = 'traceobject.gallery.something'\n"
        "from django.apps import apps\nLead = apps.get_model('leads', 'Lead')\n"
    )
    found = references_in_source(
        source, path="traceobject/gallery/x.py", module_name="traceobject.gallery.x", is_package=False
    )
    assert upward(found) == []
    assert [ref.target_app for ref in found] == ["core"]


def test_the_checker_finds_a_cycle_through_a_third_app() -> None:
    found = [
        Reference("gallery", "imaging", "a.py", 1, "traceobject.imaging"),
        Reference("imaging", "tips", "b.py", 1, "traceobject.tips"),
        Reference("tips", "gallery", "c.py", 1, "traceobject.gallery"),
        Reference("leads", "gallery", "d.py", 1, "traceobject.gallery"),
    ]
    assert cycles(found) == [["gallery", "imaging", "tips"]]


def test_the_documented_order_is_read_from_the_line() -> None:
    assert documented_order("Apps.\nLayer order: `core < audit < gallery`.\n") == ("core", "audit", "gallery")

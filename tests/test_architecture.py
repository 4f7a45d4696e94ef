"""The package's shape: no import cycle anywhere, and lower layers never import higher ones
(DESIGN.md "Layout", the table in README.md). Imports are read from the source with `ast`,
including imports inside functions (a lazy import is still a dependency); only
`if TYPE_CHECKING:` blocks are left out, as they never run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "microcred"

LOWER = ("model", "jsonld", "keys", "integrity", "jose", "jades", "status")
HIGHER = (
    "verification",
    "presentation",
    "display",
    "cli",
    "api",
    "batch",
    "journal",
    "bindings",
    "testing",
)
LAYERS = (  # README.md "How the code is organised", lowest first
    ("errors", "result", "vcdm", "timestamps", "validity", "strict_json", "ordered"),
    ("model", "jsonld", "keys", "contexts", "examples"),
    ("integrity", "jose", "jades", "status"),
    ("verification",),
    ("display", "bindings"),
    ("api", "batch", "journal", "presentation", "cli", "testing", "__main__"),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of the module, without the bodies of `if TYPE_CHECKING:` blocks."""
    found: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _imports(module: str) -> set[str]:
    """The microcred modules `module` imports (a name imported from a package counts as its
    submodule when there is one)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("microcred")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("microcred"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
    return found - {module}


GRAPH = {module: _imports(module) for module in MODULES}


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(GRAPH[start])
    while stack:
        module = stack.pop()
        if module in seen or module not in GRAPH:
            continue
        seen.add(module)
        stack.extend(GRAPH[module])
    return seen


def test_every_import_resolves_to_a_module_of_the_package() -> None:
    unknown = {(m, i) for m, targets in GRAPH.items() for i in targets if i not in MODULES}
    assert not unknown


def test_there_is_no_import_cycle() -> None:
    cycles = sorted(module for module in GRAPH if module in _reachable(module))
    assert not cycles, f"modules on an import cycle: {cycles}"


@pytest.mark.parametrize("layer", LOWER)
def test_lower_layers_never_import_higher_ones(layer: str) -> None:
    higher = tuple(f"microcred.{name}" for name in HIGHER)
    for module in (m for m in MODULES if m.startswith(f"microcred.{layer}")):
        bad = sorted(m for m in _reachable(module) if m.startswith(higher))
        assert not bad, f"{module} reaches {bad}"


def _layer(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else ""
    return next((i for i, names in enumerate(LAYERS) if top in names), len(LAYERS))


def test_every_module_imports_only_its_own_layer_or_lower_ones() -> None:
    upward = sorted(
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if module != "microcred" and target != "microcred" and _layer(target) > _layer(module)
    )
    assert not upward, f"imports of a higher layer: {upward}"
    assert {_layer(m) for m in MODULES if m != "microcred"} <= set(range(len(LAYERS)))


def test_errors_import_nothing_of_microcred() -> None:
    assert GRAPH["microcred.errors"] == set()


def test_the_graph_is_read_for_real() -> None:
    """The walk finds the imports it must (so the tests above cannot pass on an empty graph)."""
    assert "microcred.integrity.proofs" in GRAPH["microcred.verification.embedded"]
    assert "microcred.verification.verifier" in _reachable("microcred.api")
    assert "microcred.jades" in GRAPH["microcred.verification.mechanisms"]  # a lazy import

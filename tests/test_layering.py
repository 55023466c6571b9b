"""The layers of DESIGN.md §4, read from the source with `ast`: services know nothing of the
web, no import cycle runs between packages, and app/services/ is domain packages plus its
three shared modules."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TREES = ("app", "workers")
SERVICES = ROOT / "app" / "services"

# Neither the web framework nor the edges that use it (views, API, commands) may be imported
# by a service: the edge passes today, now, the zone and the settings in.
FORBIDDEN_IN_SERVICES = ("flask", "flask_login", "flask_wtf", "werkzeug",
                         "app.web", "app.api", "app.cli")
SERVICES_TOP_MODULES = {"__init__.py", "errors.py", "clock.py", "audit.py"}


@dataclass(frozen=True)
class Import:
    """One import statement's target modules, as found in a module's source."""

    importer: str
    line: int
    targets: tuple[str, ...]
    at_import_time: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    """Every module of app/ and workers/ by its dotted name."""
    return {module_name(path): path for tree in SOURCE_TREES
            for path in sorted((ROOT / tree).rglob("*.py"))}


def package_of(module: str, modules: dict[str, Path]) -> str:
    """The package a module belongs to: itself for a package's __init__, else its parent."""
    if modules[module].name == "__init__.py":
        return module
    return module.rpartition(".")[0] or module


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, at_import_time: bool) -> Iterator[tuple[ast.AST, bool]]:
    """Every node below `node`, and whether it runs when the module is imported."""
    for child in ast.iter_child_nodes(node):
        runs = at_import_time and not isinstance(
            child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if isinstance(child, ast.If) and _is_type_checking(child):
            runs = False
        yield child, runs
        yield from _walk(child, runs)


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    """Every import in a module (in functions too); `from P import m` names P and P.m."""
    is_package = path.name == "__init__.py"
    for node, at_import_time in _walk(ast.parse(path.read_text(), str(path)), True):
        if isinstance(node, ast.Import):
            targets = tuple(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node.module, node.level)
            submodules = [f"{base}.{alias.name}" for alias in node.names
                          if f"{base}.{alias.name}" in modules]
            targets = (base, *submodules)
        else:
            continue
        yield Import(module, node.lineno, targets, at_import_time)


def _absolute(module: str, is_package: bool, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _names(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(f"{prefix}.") or (
        prefix == "app.cli" and target.startswith("app.cli_"))


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """app.* and workers.* modules to the modules of ours they import when imported."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module, path in modules.items():
        for found in imports_of(module, path, modules):
            if found.at_import_time:
                graph[module].update(target for target in found.targets if target in modules)
    return graph


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; each component's modules sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            following = next(successors, None)
            if following is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
            elif following not in index:
                index[following] = low[following] = len(index)
                stack.append(following)
                on_stack.add(following)
                work.append((following, iter(sorted(graph[following]))))
            elif following in on_stack:
                low[node] = min(low[node], index[following])
    return components


def test_services_import_neither_the_web_framework_nor_the_edges():
    modules = source_files()
    services = {name: path for name, path in modules.items()
                if name == "app.services" or name.startswith("app.services.")}
    offences = [f"{path.relative_to(ROOT)}:{found.line} imports {target}"
                for name, path in sorted(services.items())
                for found in imports_of(name, path, modules)
                for target in found.targets
                if any(_names(target, prefix) for prefix in FORBIDDEN_IN_SERVICES)]
    assert len(services) > 30, "the services were not found where DESIGN.md §4 puts them"
    assert not offences, "services must not import the web framework or its edges:\n" + \
        "\n".join(offences)


def test_no_import_cycle_runs_between_two_packages():
    modules = source_files()
    graph = import_graph(modules)
    cycles = [component for component in strongly_connected_components(graph)
              if len({package_of(member, modules) for member in component}) > 1]
    assert sum(len(targets) for targets in graph.values()) > 100, "no imports were read"
    assert not cycles, "import cycles between packages:\n" + "\n".join(
        " <-> ".join(component) for component in cycles)


def test_the_services_top_holds_only_errors_clock_audit_and_domain_packages():
    strays = sorted(
        entry.name for entry in SERVICES.iterdir()
        if entry.name != "__pycache__" and entry.name not in SERVICES_TOP_MODULES
        and not (entry.is_dir() and (entry / "__init__.py").is_file()))
    packages = [entry for entry in SERVICES.iterdir() if (entry / "__init__.py").is_file()]
    assert len(packages) >= 9, "the domain packages were not found"
    assert not strays, ("app/services/ holds only errors.py, clock.py, audit.py and domain "
                        f"packages; move these into a package: {', '.join(strays)}")


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a.x": {"b.y"}, "b.y": {"c.z"}, "c.z": {"a.x"}, "d": {"a.x"}}
    assert sorted(strongly_connected_components(graph)) == [["a.x", "b.y", "c.z"], ["d"]]

"""The apps stack one way (docs/architecture.md): a module imports only its own app and the floors
below it, never another app's views, and no two modules import each other, directly or in a circle.

The root URLconf and the settings put every app together and are the only exceptions. Tests are
not held to the floors: they exercise a page with everything that renders on it.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Low to high. Apps on the same floor do not import each other either.
FLOORS = {
    "storefront": 0,
    "accounts": 1,
    "marketing": 1,
    "catalog": 2,
    # Help pages: on the market rule, and granted to the merchandisers (accounts.roles).
    "help": 2,
    "promotions": 3,
    # Back-in-stock alerts: on the catalog's SKUs and the accounts' notifications.
    "alerts": 3,
    "checkout": 4,
    "reviews": 5,
    # Returns of delivered orders: on checkout (orders, payments) and catalog (stock).
    "returns": 5,
    # Parcels of orders, recorded in checkout's order admin.
    "shipments": 5,
    "dashboard": 5,
    # Order emails, the printable receipt, message preferences and verified addresses: above
    # shipments, whose parcels the shipped email lists.
    "emails": 6,
    "api": 6,
    "demo": 6,
    "bench": 6,
    "theme": 6,
}
COMPOSERS = {"storefront.urls", "storefront.settings"}


def _module_name(path):
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def application_modules():
    """{module name: path} of every module of the project's apps, tests left out."""
    modules = {}
    for app in FLOORS:
        for path in (PROJECT_ROOT / app).rglob("*.py"):
            if "tests" not in path.relative_to(PROJECT_ROOT).parts and "node_modules" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def imported_names(path, module):
    """(line, dotted name) of everything `path` imports, at the top or inside functions."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def project_imports(modules):
    """{module: {(line, imported module)}}: imports of the project's own modules, resolved to modules."""
    graph = defaultdict(set)
    for module, path in modules.items():
        for line, name in imported_names(path, module):
            target = name
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add((line, target))
    return graph


def app_of(module):
    return module.partition(".")[0]


def is_views_module(module):
    last = module.rpartition(".")[2]
    return last == "views" or last.endswith("_views")


def floor_breaches(graph):
    """`a imports b` lines where b's app stands above a's (or beside it on the same floor)."""
    found = []
    for module, targets in graph.items():
        if module in COMPOSERS:
            continue
        for line, target in targets:
            own, other = app_of(module), app_of(target)
            if own != other and FLOORS[other] >= FLOORS[own]:
                found.append(f"{module}:{line} imports {target} ({other} is not below {own})")
    return sorted(found)


def views_imports(graph):
    """Modules that use another app's views as a library."""
    found = []
    for module, targets in graph.items():
        if module in COMPOSERS:
            continue
        for line, target in targets:
            if is_views_module(target) and app_of(target) != app_of(module):
                found.append(f"{module}:{line} imports {target}")
    return sorted(found)


def import_circles(graph):
    """Groups of modules that import each other, directly or round a circle (Tarjan's SCCs)."""
    edges = {module: {target for _line, target in targets} for module, targets in graph.items()}
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(circles)


@pytest.fixture(scope="module")
def graph():
    return project_imports(application_modules())


def test_every_app_has_a_floor():
    apps = {path.parent.name for path in PROJECT_ROOT.glob("*/apps.py")}
    assert apps <= set(FLOORS), f"Give these apps a floor in FLOORS and docs/architecture.md: {apps - set(FLOORS)}"


def test_no_module_imports_an_app_above_it(graph):
    assert floor_breaches(graph) == []


def test_no_module_imports_another_apps_views(graph):
    assert views_imports(graph) == []


def test_no_modules_import_each_other(graph):
    assert import_circles(graph) == []


# --- the checks themselves catch what they are for -----------------------------------------------


def test_the_floor_check_catches_an_import_upwards_or_sideways():
    graph = {
        "catalog.models": {(3, "checkout.models"), (4, "storefront.markets")},
        "accounts.services": {(7, "marketing.tracking")},
        "storefront.urls": {(1, "api.urls")},
    }
    assert floor_breaches(graph) == [
        "accounts.services:7 imports marketing.tracking (marketing is not below accounts)",
        "catalog.models:3 imports checkout.models (checkout is not below catalog)",
    ]


def test_the_views_check_catches_another_apps_views_only():
    graph = {
        "api.catalog": {(2, "catalog.views")},
        "reviews.urls": {(3, "reviews.views")},
        "checkout.views": {(9, "accounts.views")},
        "checkout.admin": {(4, "checkout.order_views")},
    }
    assert views_imports(graph) == ["api.catalog:2 imports catalog.views", "checkout.views:9 imports accounts.views"]


def test_the_circle_check_catches_modules_importing_each_other():
    graph = {
        "checkout.tasks": {(1, "checkout.payments")},
        "checkout.payments": {(2, "checkout.status")},
        "checkout.status": {(3, "checkout.tasks")},
        "accounts.codes": {(4, "storefront.sms")},
    }
    assert import_circles(graph) == [["checkout.payments", "checkout.status", "checkout.tasks"]]


def test_imports_inside_functions_and_relative_imports_count(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("from . import forms\n\ndef view():\n    from checkout.cart import find_cart\n")
    assert set(imported_names(module, "catalog.views")) == {
        (1, "catalog"),
        (1, "catalog.forms"),
        (4, "checkout.cart"),
        (4, "checkout.cart.find_cart"),
    }

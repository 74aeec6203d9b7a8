"""The market rule is written once: no `.filter`/`.exclude`/`Q` on a market field outside markets.py,
and no Python test of a row's market against a set of markets (`product.market in (...)`) either.

Everything else goes through `MarketQuerySet.for_market` / `in_markets` and, for an object already
loaded, its Python twin `is_sold_in`. A constraint's condition (such as "MIR cards only in KG") is a
rule of the schema, not a lookup, and is not counted.
"""

import ast
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RULE_HOME = PROJECT_ROOT / "storefront" / "markets.py"
SKIPPED_DIRS = {".venv", "venv", "node_modules", "migrations", "tests", ".git", "staticfiles", "media"}
LOOKUP_METHODS = {"filter", "exclude"}


def _call_name(call):
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_market_lookup(key):
    # market=, market__in=, product__market=, sku__product__market__in= … but not market_price__gte=.
    return isinstance(key, str) and "market" in key.split("__")


def _lookup_keys(call):
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg
        elif isinstance(keyword.value, ast.Dict):  # .filter(**{"market": ...})
            yield from (k.value for k in keyword.value.keys if isinstance(k, ast.Constant))
    for arg in call.args:  # Q(("market", "KG"))
        if isinstance(arg, ast.Tuple) and arg.elts and isinstance(arg.elts[0], ast.Constant):
            yield arg.elts[0].value


def _is_market_attribute(node):
    return isinstance(node, ast.Attribute) and node.attr == "market"


class _MarketLookupFinder(ast.NodeVisitor):
    def __init__(self):
        self.found = []
        self._inside_constraint = 0

    def visit_Call(self, node):
        name = _call_name(node)
        is_constraint = name.endswith("Constraint")
        if not self._inside_constraint and (name in LOOKUP_METHODS or name == "Q"):
            bad = [key for key in _lookup_keys(node) if _is_market_lookup(key)]
            if bad:
                self.found.append((node.lineno, f"{name}({', '.join(bad)}=…)"))
        self._inside_constraint += is_constraint
        self.generic_visit(node)
        self._inside_constraint -= is_constraint

    def visit_Compare(self, node):
        # `product.market in (MarketScope.ALL, code)`: the rule again, in Python.
        if _is_market_attribute(node.left) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            self.found.append((node.lineno, "….market in …"))
        self.generic_visit(node)


def market_lookups(source):
    """(line, description) of every market lookup written in `source`."""
    finder = _MarketLookupFinder()
    finder.visit(ast.parse(source))
    return finder.found


def project_python_files():
    """The project's own modules: no migrations, tests, virtualenv or node_modules."""
    for folder, subfolders, files in os.walk(PROJECT_ROOT):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED_DIRS)
        for name in sorted(files):
            if name.endswith(".py") and name != "conftest.py":
                yield Path(folder) / name


def test_no_market_lookup_is_written_outside_storefront_markets():
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: {what}"
        for path in project_python_files()
        if path != RULE_HOME
        for line, what in market_lookups(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], (
        "Filter on the market only through MarketQuerySet.for_market / in_markets, and test a loaded "
        "row with is_sold_in (storefront/markets.py):\n" + "\n".join(offenders)
    )


def test_the_scan_covers_the_apps_and_sees_the_rule_where_it_lives():
    scanned = {path.relative_to(PROJECT_ROOT).as_posix() for path in project_python_files()}
    assert {"catalog/models.py", "checkout/models.py", "marketing/models.py", "accounts/models.py"} <= scanned
    assert not any("/migrations/" in name or "/tests/" in name or name.startswith(".venv") for name in scanned)
    assert market_lookups(RULE_HOME.read_text(encoding="utf-8")), "for_market itself should be found"


def test_the_finder_catches_every_way_of_writing_a_market_lookup():
    source = """
Product.objects.filter(market="KG")
Product.objects.exclude(market__in=["US"])
Category.objects.filter(Q(market=m) | Q(market="ALL"))
CartItem.objects.filter(sku__product__market__in=markets)
Order.objects.filter(**{"market": code})
Q(("market", "KG"))
sold = self.market in (MarketScope.ALL, code)
listable = [o for o in offerings if o.category.market not in hidden]
"""
    assert [line for line, _ in market_lookups(source)] == [2, 3, 4, 4, 5, 6, 7, 8, 9]


def test_the_finder_ignores_other_fields_and_constraint_conditions():
    source = """
Product.objects.filter(market_price__gte=10, slug="x")
user.managed_markets.filter(user=user)
ExchangeRate.objects.get(market="KG")
models.CheckConstraint(condition=~Q(card_type="mir") | Q(market="KG"), name="mir_only_kg")
models.UniqueConstraint(fields=["product", "market"], condition=Q(sku__isnull=True), name="u")
language in market.languages
product.market == MarketScope.ALL
"""
    assert market_lookups(source) == []

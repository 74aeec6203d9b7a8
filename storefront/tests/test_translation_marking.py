"""Every string a shopper or staff member reads is marked for translation.

Templates: text between tags and the text of `alt`, `title`, `placeholder`, `aria-label` and
`<meta name="description">` must come from `{% translate %}`/`{% blocktranslate %}` or a variable.
Python: verbose names, labels, help texts, choices, admin action descriptions, flash messages,
form and validation errors and the refusals services explain to shoppers must be gettext calls,
not plain literals. The catalogs' completeness is checked in test_translation_catalogs.py.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

from storefront.tests.page_text import read_text

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates"]
PYTHON_PACKAGES = ["accounts", "api", "catalog", "checkout", "marketing", "storefront"]

# Words that are the same in every language: the brand, card networks, units written as symbols.
UNTRANSLATED = {"MARQUE", "Stripe", "Visa", "Mastercard", "JSON", "API", "OpenAPI", "ReDoc", "Swagger"}
HOLE = "\x00"  # where a variable or a translated string stood
ATTRIBUTES_ONLY = re.compile(r'\s*([\w-]+="[^"]*"\s*)+')


def _needs_translation(text):
    """True when `text` holds words, once holes, entities, numbers and symbols are gone."""
    text = text.replace(HOLE, " ")
    text = re.sub(r"&[#\w]+;", " ", text)
    words = re.findall(r"[^\W\d_]{2,}", text)
    return any(word not in UNTRANSLATED for word in words)


def template_skeleton(source):
    """The template with translated strings, variables and tags replaced by holes."""
    parts = []
    skipping = None  # the end tag of a block whose content is not page text
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(" ", 1)[0]
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in ("blocktranslate", "blocktrans"):
                skipping = "end" + name
                parts.append(HOLE)
            elif name in ("translate", "trans"):
                parts.append(HOLE)
            elif name == "comment":
                skipping = "endcomment"
            # Other tags vanish, so `<{% if a %}a href=""{% else %}div{% endif %}>` stays a tag.
            continue
        if skipping:
            continue
        if token.token_type == TokenType.VAR:
            parts.append(HOLE)
        else:
            parts.append(token.contents)
    return "".join(parts)


def unmarked_template_strings(source, *, html=True):
    skeleton = template_skeleton(source)
    if not html:
        return [(0, line.strip()) for line in skeleton.splitlines() if _needs_translation(line)]
    # A block that fills in a tag's attributes (`{% block body_attrs %}`) reads as text; it is not.
    return [
        (line, text)
        for line, text in read_text(skeleton)
        if _needs_translation(text) and not ATTRIBUTES_ONLY.fullmatch(text)
    ]


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(p for p in directory.rglob("*") if p.suffix in (".html", ".txt"))


# Keyword arguments whose value a user reads.
READ_KEYWORDS = {
    "verbose_name",
    "verbose_name_plural",
    "label",
    "help_text",
    "empty_label",
    "description",
    "short_description",
    "empty_value_display",
    "message",
    "title",
}
# Calls whose text argument a user reads: flash messages, form errors, refusals, HTTP bodies.
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error", "add_message"}
# The argument a user reads, by call: 0 is the first positional argument.
READ_CALLS = {
    "ValidationError": 0,
    "PermissionDenied": 0,
    "HttpResponseBadRequest": 0,
    "HttpResponseForbidden": 0,
    "ApiError": 1,
    "conflict": 1,
    "add_error": 1,
}
# The API's schema (help texts, descriptions) documents it for app developers, in English.
SCHEMA_KEYWORDS = {"help_text", "description"}


def _is_plain_text(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and _needs_translation(node.value)


def _refusal_names():
    from storefront.errors import Refused

    names, todo = set(), [Refused]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _callee(node):
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr, func.value
    if isinstance(func, ast.Name):
        return func.id, None
    return None, None


class _PythonScanner(ast.NodeVisitor):
    def __init__(self, refusals, *, schema_docs=False):
        self.found = []
        self.refusals = refusals
        self.skipped_keywords = SCHEMA_KEYWORDS if schema_docs else set()
        self._choices_class = False

    def _flag(self, node, what):
        self.found.append((node.lineno, what))

    def visit_ClassDef(self, node):
        outer = self._choices_class
        self._choices_class = any(
            (getattr(base, "attr", None) or getattr(base, "id", None)) in ("TextChoices", "IntegerChoices", "Choices")
            for base in node.bases
        )
        self.generic_visit(node)
        self._choices_class = outer

    def visit_Assign(self, node):
        # TextChoices members: NAME = "value", "Label"
        if self._choices_class and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            label = node.value.elts[-1]
            if _is_plain_text(label):
                self._flag(node, f"choice label {label.value!r}")
        self.generic_visit(node)

    def visit_Call(self, node):
        name, owner = _callee(node)
        for keyword in node.keywords:
            if keyword.arg in READ_KEYWORDS - self.skipped_keywords and _is_plain_text(keyword.value):
                self._flag(node, f"{keyword.arg}={keyword.value.value!r}")
            if keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                for pair in keyword.value.elts:
                    if isinstance(pair, ast.Tuple) and len(pair.elts) == 2 and _is_plain_text(pair.elts[1]):
                        self._flag(node, f"choice label {pair.elts[1].value!r}")
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    if _is_plain_text(value):
                        self._flag(node, f"error message {value.value!r}")
        if isinstance(owner, ast.Name) and owner.id == "messages" and name in MESSAGE_FUNCTIONS:
            position = 1
        elif name in self.refusals:
            position = 0
        else:
            position = READ_CALLS.get(name)
        if position is not None and len(node.args) > position and _is_plain_text(node.args[position]):
            self._flag(node, f"{name}(… {node.args[position].value!r})")
        self.generic_visit(node)


def _python_files():
    for package in PYTHON_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            # The demo data is catalog content (names, descriptions), like a merchandiser's.
            if {"tests", "migrations", "demo"} & set(parts) or path.name == "settings.py":
                continue
            yield path


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_text_is_marked_for_translation(path):
    found = unmarked_template_strings(path.read_text(), html=path.suffix == ".html")
    assert not found, f"{path.relative_to(ROOT)}: text not marked for translation: {found}"


def test_python_strings_users_read_are_marked_for_translation():
    refusals = _refusal_names()
    problems = []
    for path in _python_files():
        scanner = _PythonScanner(refusals, schema_docs=path.relative_to(ROOT).parts[0] == "api")
        scanner.visit(ast.parse(path.read_text(), filename=str(path)))
        problems += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in scanner.found]
    assert not problems, "Strings users read, not marked for translation:\n" + "\n".join(problems)


# The checker itself: it must catch what it is meant to catch and let marked text through.
@pytest.mark.parametrize(
    "source",
    [
        "<p>Add to cart</p>",
        '<img src="{{ url }}" alt="Product photo">',
        "<button>{% translate 'Add' %} now</button>",
        '<input placeholder="Search shirts">',
        '<a aria-label="Open menu" href="#">{{ x }}</a>',
        '<meta name="description" content="Clothes and shoes">',
        "{% if x %}Free shipping{% endif %}",
    ],
)
def test_checker_finds_unmarked_template_text(source):
    assert unmarked_template_strings(source)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{% translate 'Add to cart' %}</p>",
        "<p>{% blocktranslate count n=n %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}</p>",
        '<img src="{{ url }}" alt="{{ product.name }}">',
        "<a href='/'>MARQUE</a> &middot; {{ year }} &copy;",
        "<script>const label = 'not page text';</script>",
        "{# a developer's note #}{% comment %}Notes{% endcomment %}",
        "<span>×</span> <span>12 / 30</span>",
    ],
)
def test_checker_passes_marked_template_text(source):
    assert unmarked_template_strings(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "x = models.CharField(verbose_name='name')",
        "x = forms.CharField(label='Name', help_text='Your full name')",
        "messages.success(request, 'Saved.')",
        "raise ValidationError('Enter a code.')",
        "class Size(models.TextChoices):\n    S = 's', 'Small'",
        "x = forms.ChoiceField(choices=[('a', 'Newest first')])",
        "raise CartRefused('That size is sold out.')",
        "form.add_error('code', 'Wrong code')",
        "raise ApiError('invalid_page', 'No such page.')",
    ],
)
def test_checker_finds_unmarked_python_strings(source):
    scanner = _PythonScanner({"CartRefused"})
    scanner.visit(ast.parse(source))
    assert scanner.found


@pytest.mark.parametrize(
    "source",
    [
        "x = models.CharField(verbose_name=_('name'))",
        "messages.success(request, _('Saved.'))",
        "raise ValueError('Only positive prices are rounded.')",
        "class Size(models.TextChoices):\n    S = 's', _('Small')",
        "logger.error('Webhook signature failed')",
        "form.add_error('code', message)",
        "raise ApiError('invalid_page', _('No such page.'))",
    ],
)
def test_checker_passes_marked_python_strings(source):
    scanner = _PythonScanner({"CartRefused"})
    scanner.visit(ast.parse(source))
    assert scanner.found == []

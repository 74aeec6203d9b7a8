"""Product search: full-text search weighted name > brand > category > description, tolerant of typos.

On PostgreSQL search reads the columns `catalog.search_index` stores (through each market's own
indexes: a search's queryset carries its market's condition): a weighted `tsvector` per shop
language (English stemmed by config "english", Russian by "russian", Kyrgyz as written by "simple",
each holding the product's text in that language), `search_vector` holding the three together, and
`search_text` for typos. A query is read in each language's configuration (`websearch_to_tsquery`)
and a product matches when `search_vector` has the words of any reading, each distinct reading
looked up once in its GIN index (`AnyReading`), so "платья" finds "Платье миди" and "shirts" finds
"Linen Shirt"; results rank by `ts_rank` in the shopper's language, or a little lower by another
language's when only that one has the words. When no product has the words as typed
(one probe query decides), pg_trgm's word similarity against `search_text`, answered by its trigram
index, catches typos instead ("snekers" finds "Court Sneakers").

Elsewhere (the embedded SQLite default) every word must appear in a searched field (translations
and SKU colors included); when no product has them all, words one typo away match instead.
`did_you_mean` offers corrected queries on both.

The functions take a queryset the caller already filtered to the shopper's market, so a search
never widens what the shopper may see.
"""

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchQueryField, SearchRank, TrigramWordSimilarity
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from catalog.models import SKU
from catalog.search_index import MATCH_FIELD, SEARCH_CONFIGS, TEXT_FIELD, VECTOR_FIELDS
from storefront.content import translation_columns
from storefront.layout import BoundedLRU

MAX_QUERY_LENGTH = 200
# Shorter queries match almost everything: suggestions wait for two characters.
MIN_QUERY_LENGTH = 2
# A query expands to a few conditions per word; more words than this add SQL but no precision.
MAX_WORDS = 8
# The column a shopper of another language (or none) ranks by.
DEFAULT_LANGUAGE = "en"
# A match found only in another language's column ranks a little below the same match in the
# shopper's own, so their language wins a tie.
OTHER_LANGUAGE_RANK = 0.9
# How much of its trigrams a query must share with a stretch of a product's `search_text` to be a
# typo match (pg_trgm.word_similarity_threshold, which `%>` and its index read). pg_trgm's default,
# 0.6, misses "snekers" for "sneakers" (0.55); 0.4 lets one wrong, missing or extra letter through
# in words of six letters or more.
TYPO_SIMILARITY = 0.4
# Trigram similarity of one or two characters matches almost anything.
TRIGRAM_MIN_LENGTH = 3
# Shorter words are one typo away from too many others; longer ones are not words.
TYPO_MIN_LENGTH = 4
TYPO_MAX_LENGTH = 30
# did_you_mean only speaks up when the search finds fewer products than this.
FEW_RESULTS = 3
MAX_CORRECTIONS = 3
CORRECTION_CUTOFF = 0.75
VOCABULARY_ROWS = 2000
# Up to this many products found, a search names them by id to the listing's later queries; beyond
# it (a word most products share) each query matches the words itself, and the pages of the first
# this many are still read by id.
MAX_NAMED_IDS = 5000
# Where the words go in a statement built once for many searches (`_named_statement`): no query
# holds it, as `clean_query` removes control characters.
WORDS = "\x00words\x00"
# The table `_named_statement`'s query reads the words from: their reading in each language's
# configuration (a column by language), worked out once a run. No other part of the query holds the
# words, so PostgreSQL plans it once per connection (a prepared statement, `_statement_cursor`).
WORDS_TABLE = "search_words"
# Statements by shape: a few per market, rate, language and set of running sales.
_statements = BoundedLRU(64)
# The order of search results unless the shopper picks a sort: most relevant, then best selling.
SEARCH_ORDER = ["-search_rank", "-sales_count", "-id"]

# Weights of the portable search, in the order PostgreSQL's A, B, C and D weights rank them.
FIELD_WEIGHTS = {
    "name": 4.0,
    "brand": 3.0,
    "category__name": 2.0,
    "subcategory__name": 2.0,
    "description": 1.0,
}
# Merchandised names in the other content languages (storefront.content): a shopper reading Russian
# or Kyrgyz finds a product by the name their page shows.
TRANSLATED_NAMES = (
    *translation_columns("name"),
    *(f"category__{column}" for column in translation_columns("name")),
    *(f"subcategory__{column}" for column in translation_columns("name")),
)
FIELD_WEIGHTS |= {field: FIELD_WEIGHTS[field.rsplit("_", 1)[0]] for field in TRANSLATED_NAMES}
# The colors of a product's SKUs count as much as its description, as PostgreSQL's D weight does.
COLOR_WEIGHT = 1.0
VOCABULARY_FIELDS = ("name", "brand", "category__name", "subcategory__name", *TRANSLATED_NAMES)
TYPO_FIELDS = VOCABULARY_FIELDS
_WORD = re.compile(r"\w+")


def clean_query(raw) -> str:
    """The query as searched: no control characters, single spaces, at most MAX_QUERY_LENGTH characters."""
    words = (
        "".join(ch for ch in word if unicodedata.category(ch) not in ("Cc", "Cs")) for word in str(raw or "").split()
    )
    return " ".join(word for word in words if word)[:MAX_QUERY_LENGTH].rstrip()


def search_products(queryset, query, *, language=None):
    """`queryset` narrowed to products matching `query`, annotated with a float `search_rank` (higher is better).

    `language` (the active one when None) is the shopper's: its column ranks the results, and every
    language's column matches. Existing annotations are kept. On PostgreSQL one query runs at once
    (does any product have the words as typed? if not, words a typo away match instead); the
    results are lazy, as is everything on other databases.
    """
    return ranked_search(queryset, query, language=language)[0]


def ranked_search(queryset, query, *, language=None, values=None, shape=None, lazy=False):
    """(`search_products`' results, those results named or None).

    They are named when PostgreSQL found products with the words as typed (`Named`): their ids in
    the listing's relevance order (`SEARCH_ORDER`), and how many of them share each combination of
    `values` (name → expression, such as the fields a listing's facets count; or a function that
    builds them), counted by the same query that found and ranked them. A listing without filters
    shows a page and counts its facets from these (`catalog.listing.build_listing`), without
    matching, ranking or reading the results again. Past MAX_NAMED_IDS products only the first
    MAX_NAMED_IDS ids are named (`Named.complete` false, no groups): the results are then matched
    again by the listing's queries, which count them, while the pages those ids fill are read by id.

    `shape`, when given, is a hashable naming everything but the words that goes into that query:
    the caller's queryset and `values` (a market, its rate and running sales, say) and the active
    language. The query's SQL is then built once per shape in each process and run with each
    search's words (`_named_statement`).

    `lazy`: the results, when named, are built when first used (a `SimpleLazyObject`): a listing
    without filters or a sort reads its page and facets from the named rows alone, and building the
    ranked queryset it would not run costs a few tenths of a millisecond.
    """
    query = clean_query(query)
    if not query:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField())), None
    if connections[queryset.db].vendor != "postgresql":
        return _portable_search(queryset, query), None
    language = language or get_language()
    if not _typo_words(query):
        return _matching(queryset, query, language), None
    sql, params = _named_statement(queryset, language, values, shape)
    params = tuple(query if param == WORDS else param for param in params)
    found = _named(queryset.db, sql, params)
    if not found.complete:
        # More than MAX_NAMED_IDS: the page's own queries match the words and count them; the
        # first MAX_NAMED_IDS results' ids, ranked among all, still name the pages they fill.
        return _matching(queryset, query, language), found
    if found:
        # Named by id: the listing's later queries (the page, its SKUs' facets) read these rows by
        # key instead of matching the words through the GIN indexes again, each.
        results = functools.partial(_named_results, queryset, found, query, language)
        return (SimpleLazyObject(results) if lazy else results()), found
    return _a_typo_away(queryset, query), None


@dataclass(frozen=True)
class Named:
    """A search's results named: `ids` in relevance order, and `groups`, {values: how many}: how
    many results share each combination of the values `ranked_search` was asked for, in its order.
    Not `complete`: there were more than MAX_NAMED_IDS results; `ids` are the first MAX_NAMED_IDS
    of them, ranked among all, and `groups` is empty."""

    ids: list
    groups: dict
    complete: bool = True

    def __len__(self):
        return len(self.ids)


def _named_results(queryset, found, query, language):
    ids = AmongIds(found.ids)
    return queryset.filter(ids).annotate(search_rank=_as_typed(queryset, query, language)[1])


def _matching(queryset, query, language):
    match, rank = _as_typed(queryset, query, language)
    return queryset.filter(match).annotate(search_rank=rank)


def suggest(queryset, query, *, limit=8, language=None) -> list[dict]:
    """The best `limit` matches as {"name", "name_ru", "name_ky", "slug", "brand", "image", "renditions"} dicts
    (and "market_price" when `queryset` is priced for a market): one query (two on PostgreSQL
    when no product has the words as typed)."""
    query = clean_query(query)
    if limit <= 0 or not query:
        return []
    if connections[queryset.db].vendor != "postgresql":
        return _best(_portable_search(queryset, query), limit)
    found = _best(_matching(queryset, query, language or get_language()), limit)
    typos = _a_typo_away(queryset, query)
    if found or typos is None:
        return found
    return _best(typos, limit)


def did_you_mean(queryset, query, *, found=None, language=None) -> list[str]:
    """Up to three corrected queries, built from the words of `queryset`, when `query` finds few products.

    `found` is how many products the search of `query` found, when the caller knows (a listing's
    count); otherwise it is counted here.
    """
    query = clean_query(query)
    tokens = _tokens(query)[:MAX_WORDS]
    if not any(_may_be_misspelled(token) for token in tokens):
        return []
    if found is None:
        # Unordered: under the model's default order PostgreSQL would walk an index for a few rows
        # and read the whole table when there are none.
        found = len(search_products(queryset, query, language=language).order_by().values("pk")[:FEW_RESULTS])
    if found >= FEW_RESULTS:
        return []
    vocabulary = _vocabulary(queryset)
    choices = []
    for token in tokens:
        close = []
        if _may_be_misspelled(token) and token not in vocabulary:
            close = difflib.get_close_matches(token, vocabulary, n=MAX_CORRECTIONS, cutoff=CORRECTION_CUTOFF)
        choices.append(close or [token])
    corrections = []
    for nth in range(MAX_CORRECTIONS):
        corrected = " ".join(options[min(nth, len(options) - 1)] for options in choices)
        if corrected != " ".join(tokens) and corrected not in corrections:
            corrections.append(corrected)
    return corrections


def set_typo_similarity(sender, connection, **kwargs):
    """Set a new PostgreSQL connection's word similarity threshold to TYPO_SIMILARITY (connected to
    `connection_created` in CatalogConfig.ready): a session setting, so typo matching keeps the
    trigram index and costs no statement per search."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET pg_trgm.word_similarity_threshold = {float(TYPO_SIMILARITY)}")


def _named_statement(queryset, language, values, shape):
    """The SQL and parameters of `_named`'s query for `queryset`, `language` and `values`, with
    `WORDS` its one parameter, where the words go: built here, or once per `shape` (and active
    language) in the process. The words are read once, in each language's configuration, into a
    table of the statement's own (`WORDS_TABLE`) that the rest reads them from, and everything else
    is written in as literals: its plan holds no words, and is kept on each connection
    (`_statement_cursor`).

    One query: its materialized CTE reads every match (the GIN index's bitmap) and sorts them as it
    goes, keeping the first MAX_NAMED_IDS + 1 (a bounded sort: a word most products share is
    ranked once here, and the page's own queries count its results). Sorted before it is written,
    the CTE is read twice without another sort; under `EXISTS` or a `LIMIT` of its own, PostgreSQL
    would instead expect a match to turn up soon and, for words common alone but never together
    ("linen boots"), read the whole table looking for one. Its rows are the results' combinations
    of `values` with how many have each, and one more: their ids in the order `SEARCH_ORDER`
    sorts, as an array (its count NULL). A result's values, rank and sales stay in the database."""
    key = None if shape is None else (shape, language, get_language(), queryset.db)
    statement = _statements.get(key) if key is not None else None
    if statement is None:
        connection = connections[queryset.db]
        quote = connection.ops.quote_name
        readings = {
            lang: RawSQL(column, (), output_field=SearchQueryField())  # noqa: S611 - quoted names of constants
            for lang, column in _reading_columns(quote).items()
        }
        match, rank = _as_typed(queryset, None, language, readings)
        values = values() if callable(values) else values or {}
        names = {f"named_{name}": expression for name, expression in values.items()}
        columns = (
            queryset.filter(match)
            .extra(tables=[WORDS_TABLE])  # noqa: S610 - a table of this statement's own, named by a constant
            .annotate(named_id=F("pk"), named_rank=rank, named_sales=F("sales_count"), **names)
            .order_by()
            .values_list("named_id", "named_rank", "named_sales", *names)
        )
        try:
            sql, params = columns.query.sql_with_params()
        except EmptyResultSet:  # a queryset.none()
            statement = (None, ())
        else:
            grouped = ", ".join(quote(name) for name in names)
            order = ", ".join(f"{quote(name)} DESC" for name in ("named_rank", "named_sales", "named_id"))
            nothing = "".join(", NULL" for _name in names)
            found = _with_literals(connection, sql, params)
            statement = (
                f"WITH {quote(WORDS_TABLE)} AS MATERIALIZED ({_words_table(quote)}), "  # noqa: S608 - constants
                # The queryset's own SQL, its values written in, sorted as it is read.
                f"found AS MATERIALIZED ({found} ORDER BY {order} LIMIT {int(MAX_NAMED_IDS) + 1}) "
                f"SELECT NULL{', ' if names else ''}{grouped}, COUNT(*) FROM found GROUP BY ({grouped}) "
                # Read in the order it was written: one CTE scan, in one process, feeds the aggregate.
                f"UNION ALL SELECT (SELECT array_agg({quote('named_id')}) FROM found){nothing}, NULL",
                (WORDS,),
            )
        if key is not None:
            _statements.put(key, statement)
    return statement


def _words_table(quote):
    """The SQL of `WORDS_TABLE`'s one row: the words (its one parameter) read in each language's
    configuration, a column by language."""
    readings = ", ".join(
        f"websearch_to_tsquery('{config}'::regconfig, typed) AS {quote(lang)}"
        for lang, config in SEARCH_CONFIGS.items()
    )
    return f"SELECT {readings} FROM (SELECT %s::text AS typed) AS typed"  # noqa: S608 - constants


def _reading_columns(quote):
    """{language: the SQL of its reading's column in `WORDS_TABLE`}."""
    return {lang: f"{quote(WORDS_TABLE)}.{quote(lang)}" for lang in SEARCH_CONFIGS}


def _with_literals(connection, sql, params):
    """`sql` with each of `params` written into it as a literal (a literal % doubled, as the words
    are still sent as a parameter). A statement planned once must hold everything but the words:
    planned for any market, PostgreSQL could use none of the search indexes (each is a market's
    own) and would keep planning it afresh instead."""
    return connection.ops.compose_sql(sql, params).replace("%", "%%")


def _named(using, sql, params):
    """`_named_statement`'s query's rows as `Named`: not `complete` when it found more than MAX_NAMED_IDS."""
    if sql is None:
        return Named([], {})
    with _statement_cursor(connections[using]) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ids, groups = [], {}
    for found, *values, n in rows:
        if n is None:
            ids = found or []
        elif n:
            groups[tuple(values)] = n
    if len(ids) > MAX_NAMED_IDS:
        return Named(ids[:MAX_NAMED_IDS], {}, complete=False)
    return Named(ids, groups)


def _statement_cursor(connection):
    """A cursor for `_named_statement`'s query on `connection`: with SEARCH_PREPARED (the default), one
    that sends its parameters apart from the SQL and prepares each statement on its first run on
    the connection (psycopg keeps them, and a connection pooler that speaks the protocol's prepared
    statements keeps them too). Parsing and planning the statement took ~0.45 ms a search on any
    catalog: half of what PostgreSQL spent on a search of 10,000 products. Django's cursor wraps it:
    its queries are logged and counted as any other."""
    cursor = connection.cursor()  # Django's checks: the connection's health, connecting, its thread
    if not settings.SEARCH_PREPARED:
        return cursor
    cursor.close()
    preparing = _preparing_cursor_class()(connection.connection)
    return (
        _ComposedDebugWrapper(preparing, connection)
        if connection.queries_logged
        else CursorWrapper(preparing, connection)
    )


@functools.cache
def _preparing_cursor_class():
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        """Binds on the server and prepares every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


class _ComposedDebugWrapper(CursorDebugWrapper):
    """Logs a prepared statement's SQL with its parameters written in, as Django's own cursors log
    theirs (a prepared run leaves psycopg no query text to report)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return super(CursorDebugWrapper, self).execute(sql, params)


class AmongIds(Expression):
    """`id = ANY(%s::bigint[])` (or another column's): the rows named by a list of ids, sent as one
    array parameter (Django's `__in` compiles a placeholder per id, which costs more than matching
    the words again). The array goes as its text, written once: psycopg checks every item of a list
    it is given, for each query."""

    output_field = BooleanField()

    def __init__(self, ids, column="pk"):
        super().__init__()
        self.ids = tuple(ids)  # written out when compiled: a query built and never run costs nothing
        self.column = F(column)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return resolved

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        ids = "{%s}" % ",".join(str(int(pk)) for pk in self.ids)  # noqa: UP031 - braces of the array literal
        return f"{column} = ANY(%s::bigint[])", (*params, ids)


def _best(results, limit):
    results = results.order_by("-search_rank", "-sales_count", "-id")
    # A priced queryset (catalog.selectors) gives each suggestion its price in the market too.
    priced = ("market_price",) if "market_price" in results.query.annotations else ()
    fields = ("name", *translation_columns("name"), "slug", "brand", "image", "renditions", *priced)
    return list(results.values(*fields)[:limit])


def _as_typed(queryset, query, language, readings=None):
    """PostgreSQL: (the condition, the rank) of products with the words of `query` in any language's
    column, ranked in `language`'s. `readings` ({language: a tsquery expression}), when given, are
    the words already read in each language's configuration (`_named_statement`'s table of them)."""
    # websearch_to_tsquery accepts any input (quotes, &, |, !, :*) without a syntax error. The query
    # is read in every language's configuration, and a product matches when its vector of every
    # language (MATCH_FIELD) has the words of any reading, answered by one GIN index: a KG shopper
    # reading Russian who types English finds what the English column holds.
    queries = readings or {
        lang: SearchQuery(query, search_type="websearch", config=config) for lang, config in SEARCH_CONFIGS.items()
    }
    match = Q(AnyReading(F(MATCH_FIELD), *queries.values()))
    own = language if language in SEARCH_CONFIGS else DEFAULT_LANGUAGE
    # A product with the words in the shopper's language ranks by that column; one that has them
    # only in another's, by the best of those, a little lower.
    others = [SearchRank(F(VECTOR_FIELDS[lang]), queries[lang]) for lang in queries if lang != own]
    best_other = Greatest(*others) if len(others) > 1 else others[0]
    rank = Case(
        When(AnyReading(F(VECTOR_FIELDS[own]), queries[own]), then=SearchRank(F(VECTOR_FIELDS[own]), queries[own])),
        default=best_other * Value(OTHER_LANGUAGE_RANK),
    )
    return match, _as_float(rank)


class AnyReading(Expression):
    """`vector @@ (reading₁ | reading₂ | …)` with each distinct reading once.

    The readings of a query in the languages' configurations are often the same tsquery ("linen
    shirt" is 'linen' & 'shirt' in all three); GIN would look their words up again for every copy.
    Which readings repeat is decided by a CASE of constant tsqueries, which PostgreSQL folds when it
    plans the query, so the index sees a single tsquery with each reading once.
    """

    output_field = BooleanField()

    def __init__(self, vector, *readings):
        super().__init__()
        self.vector, self.readings = vector, list(readings)

    def get_source_expressions(self):
        return [self.vector, *self.readings]

    def set_source_expressions(self, exprs):
        self.vector, *self.readings = exprs

    def as_sql(self, compiler, connection):
        vector, params = compiler.compile(self.vector)
        readings = [compiler.compile(reading) for reading in self.readings]
        either, either_params = _distinct_or(readings)
        return f"{vector} @@ ({either})", (*params, *either_params)


def _distinct_or(readings):
    """(SQL, params) of the OR of the compiled tsqueries `readings`, each distinct one once: the last
    is OR'ed in unless it equals one before it, recursively."""
    *earlier, (last, last_params) = readings
    if not earlier:
        return last, tuple(last_params)
    before, before_params = _distinct_or(earlier)
    seen = ", ".join(sql for sql, _params in earlier)
    seen_params = tuple(param for _sql, params in earlier for param in params)
    return (
        f"CASE WHEN {last} IN ({seen}) THEN {before} ELSE ({before}) || {last} END",
        (*last_params, *seen_params, *before_params, *before_params, *last_params),
    )


def _typo_words(query):
    """The words of `query` long enough to be matched a typo away (TRIGRAM_MIN_LENGTH)."""
    return [word for word in _query_words(query) if len(word) >= TRIGRAM_MIN_LENGTH]


def _a_typo_away(queryset, query):
    """PostgreSQL: products whose names, brand or colors hold every word of `query` (of three letters
    or more) or one close to it, ranked by word similarity; None when no word is that long."""
    words = _typo_words(query)
    if not words:
        return None
    # `search_text %> word` (word similarity at least TYPO_SIMILARITY) is answered by the trigram index.
    match = reduce(and_, (Q(**{f"{TEXT_FIELD}__trigram_word_similar": word}) for word in words))
    return queryset.filter(match).annotate(search_rank=_as_float(TrigramWordSimilarity(query, TEXT_FIELD)))


def _portable_search(queryset, query):
    words = _query_words(query)
    every_word = reduce(and_, (_in_any_field(word) for word in words))
    ranks = [_weight_if(_contains(field, word), weight) for word in words for field, weight in FIELD_WEIGHTS.items()]
    ranks += [_weight_if(_in_colors(word), COLOR_WEIGHT) for word in words]
    typo_words = [word for word in words if TYPO_MIN_LENGTH <= len(word) <= TYPO_MAX_LENGTH]
    if not typo_words:
        return queryset.filter(every_word).annotate(search_rank=_as_float(_sum(ranks)))
    every_word_or_typo = reduce(
        and_,
        (
            _in_any_field(word) | _typo_in_any_field(word) if word in typo_words else _in_any_field(word)
            for word in words
        ),
    )
    # Typos count only when no product has every word as typed (the retry, folded into one SQL query).
    nothing_exact = ~Exists(queryset.order_by().filter(every_word))
    ranks += [
        _weight_if(_one_typo_away(field, word), FIELD_WEIGHTS[field] / 2)
        for word in typo_words
        for field in TYPO_FIELDS
    ]
    return queryset.filter(every_word | (nothing_exact & every_word_or_typo)).annotate(
        search_rank=_as_float(_sum(ranks))
    )


def _query_words(query):
    words = []
    for word in query.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def _in_any_field(word):
    return reduce(or_, (_contains(field, word) for field in FIELD_WEIGHTS)) | _in_colors(word)


def _in_colors(word):
    """The color of one of the product's active SKUs holds `word` (a subquery: no duplicate products)."""
    in_any_language = reduce(or_, (_contains(field, word) for field in ("color", *translation_columns("color"))))
    skus = SKU.objects.filter(product=OuterRef("pk"), is_active=True).filter(in_any_language)
    return Q(Exists(skus))


def _typo_in_any_field(word):
    return reduce(or_, (_one_typo_away(field, word) for field in TYPO_FIELDS))


def _contains(field, word):
    # SQLite's LIKE folds ASCII case only; its REGEXP is Python's re, which folds Cyrillic too.
    if word.isascii():
        return Q(**{f"{field}__icontains": word})
    return Q(**{f"{field}__iregex": re.escape(word)})


def _one_typo_away(field, word):
    return Q(**{f"{field}__iregex": _one_typo_pattern(word)})


def _one_typo_pattern(word):
    """A regular expression for the strings one letter missing, extra, wrong or swapped from `word`."""
    word = word.lower()
    variants = set()
    for i in range(len(word) + 1):
        variants.add(re.escape(word[:i]) + "." + re.escape(word[i:]))
    for i in range(len(word)):
        variants.add(re.escape(word[:i] + word[i + 1 :]))
        variants.add(re.escape(word[:i]) + "." + re.escape(word[i + 1 :]))
    for i in range(len(word) - 1):
        variants.add(re.escape(word[:i] + word[i + 1] + word[i] + word[i + 2 :]))
    return "|".join(sorted(variants))


def _weight_if(condition, weight):
    return Case(When(condition, then=Value(weight)), default=Value(0.0), output_field=FloatField())


def _sum(terms):
    """`terms` added up as a balanced tree: SQLite's parser overflows on a long left-deep chain."""
    if len(terms) == 1:
        return terms[0]
    middle = len(terms) // 2
    return _sum(terms[:middle]) + _sum(terms[middle:])


def _as_float(expression):
    return ExpressionWrapper(expression, output_field=FloatField())


def _tokens(text):
    return _WORD.findall(text.lower())


def _may_be_misspelled(token):
    return len(token) >= TRIGRAM_MIN_LENGTH and not token.isdigit()


def _vocabulary(queryset):
    rows = queryset.order_by("-sales_count", "-id").values_list(*VOCABULARY_FIELDS)[:VOCABULARY_ROWS]
    return sorted({token for row in rows for text in row if text for token in _tokens(text)})

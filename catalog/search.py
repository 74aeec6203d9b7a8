"""Product search: full-text search weighted name > brand > category > description, tolerant of typos.

On PostgreSQL a weighted `tsvector` (config "simple": no stemming or stop words, so English, Russian
and Kyrgyz words all match as typed) is matched with `websearch_to_tsquery`, and pg_trgm's word
similarity against the name and brand catches typos ("snekers" finds "Court Sneakers"). Elsewhere
(the embedded SQLite default) every word must appear in a searched field; when no product has them
all, words one typo away match instead. `did_you_mean` offers corrected queries on both.

The functions take a queryset the caller already filtered to the shopper's market, so a search
never widens what the shopper may see.
"""

import difflib
import re
import unicodedata
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connections
from django.db.models import Case, Exists, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Lower

from catalog.models import Category, Product, Subcategory
from storefront.content import translation_columns

MAX_QUERY_LENGTH = 200
# Shorter queries match almost everything: suggestions wait for two characters.
MIN_QUERY_LENGTH = 2
# A query expands to a few conditions per word; more words than this add SQL but no precision.
MAX_WORDS = 8
SEARCH_CONFIG = "simple"
TRIGRAM_THRESHOLD = 0.4
# ts_rank of one hit in a D-weighted (description) field: 0.1 (the D weight) x 0.608.
DESCRIPTION_RANK = 0.06
# A product found by its Russian or Kyrgyz name ranks like a good name match.
TRANSLATED_NAME_RANK = 0.6
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
TRANSLATED_WEIGHTS = {
    **dict.fromkeys(translation_columns("name"), 4.0),
    **{f"category__{column}": 2.0 for column in translation_columns("name")},
    **{f"subcategory__{column}": 2.0 for column in translation_columns("name")},
}
FIELD_WEIGHTS |= TRANSLATED_WEIGHTS
VOCABULARY_FIELDS = ("name", "brand", "category__name", "subcategory__name")
TYPO_FIELDS = VOCABULARY_FIELDS
_WORD = re.compile(r"\w+")


def clean_query(raw) -> str:
    """The query as searched: no control characters, single spaces, at most MAX_QUERY_LENGTH characters."""
    words = (
        "".join(ch for ch in word if unicodedata.category(ch) not in ("Cc", "Cs")) for word in str(raw or "").split()
    )
    return " ".join(word for word in words if word)[:MAX_QUERY_LENGTH].rstrip()


def search_products(queryset, query):
    """`queryset` narrowed to products matching `query`, annotated with a float `search_rank` (higher is better).

    Lazy: no query runs until the caller evaluates the result. Existing annotations are kept.
    """
    query = clean_query(query)
    if not query:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connections[queryset.db].vendor == "postgresql":
        return _full_text_search(queryset, query)
    return _portable_search(queryset, query)


def suggest(queryset, query, *, limit=8) -> list[dict]:
    """The best `limit` matches as {"name", "slug", "brand"} dicts, in one query."""
    if limit <= 0:
        return []
    results = search_products(queryset, query).order_by("-search_rank", "-sales_count", "-id")
    return list(results.values("name", *translation_columns("name"), "slug", "brand")[:limit])


def did_you_mean(queryset, query) -> list[str]:
    """Up to three corrected queries, built from the words of `queryset`, when `query` finds few products."""
    query = clean_query(query)
    tokens = _tokens(query)[:MAX_WORDS]
    if not any(_may_be_misspelled(token) for token in tokens):
        return []
    if len(search_products(queryset, query).values("pk")[:FEW_RESULTS]) >= FEW_RESULTS:
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


def _full_text_search(queryset, query):
    # websearch_to_tsquery accepts any input (quotes, &, |, !, :*) without a syntax error.
    text_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # Matching goes through subqueries answered by migration 0004's GIN index and the small category
    # tables, so no product gets a vector built only to be thrown away.
    text_match = Q(pk__in=Product._base_manager.alias(vector=_product_vector()).filter(vector=text_query).values("pk"))
    translated_match = _in_translated_names(query)
    match = (
        text_match
        | Q(category__in=_named(Category, text_query))
        | Q(subcategory__in=_named(Subcategory, text_query))
        | translated_match
    )
    # Ranking leaves the description out of the vector (building it for every match costs far more
    # than its D weight tells) and gives each text match what a single D hit would score.
    rank = (
        SearchRank(_ranking_vector(), text_query)
        + _weight_if(text_match, DESCRIPTION_RANK)
        + _weight_if(translated_match, TRANSLATED_NAME_RANK)
    )
    if len(query) >= TRIGRAM_MIN_LENGTH:
        queryset = queryset.alias(
            name_similarity=TrigramWordSimilarity(query, Lower("name")),
            brand_similarity=TrigramWordSimilarity(query, Lower("brand")),
        )
        match |= Q(name_similarity__gt=TRIGRAM_THRESHOLD) | Q(brand_similarity__gt=TRIGRAM_THRESHOLD)
        rank = rank + F("name_similarity") + F("brand_similarity") * Value(0.5)
    return queryset.filter(match).annotate(search_rank=_as_float(rank))


def _product_vector():
    # Migration 0004 indexes this very expression (catalog_product_search_idx); keep the two alike.
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("brand", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="D", config=SEARCH_CONFIG)
    )


def _ranking_vector():
    return (
        SearchVector("name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("brand", weight="B", config=SEARCH_CONFIG)
        + SearchVector("category__name", "subcategory__name", weight="C", config=SEARCH_CONFIG)
    )


def _named(model, text_query):
    return (
        model._base_manager.alias(vector=SearchVector("name", config=SEARCH_CONFIG))
        .filter(vector=text_query)
        .values("pk")
    )


def _in_translated_names(query):
    """Every word of `query` in a translated product, category or subcategory name."""
    return reduce(
        and_,
        (reduce(or_, (_contains(field, word) for field in TRANSLATED_WEIGHTS)) for word in _query_words(query)),
    )


def _portable_search(queryset, query):
    words = _query_words(query)
    every_word = reduce(and_, (_in_any_field(word) for word in words))
    ranks = [_weight_if(_contains(field, word), weight) for word in words for field, weight in FIELD_WEIGHTS.items()]
    typo_words = [word for word in words if TYPO_MIN_LENGTH <= len(word) <= TYPO_MAX_LENGTH]
    if not typo_words:
        return queryset.filter(every_word).annotate(search_rank=_as_float(reduce(add, ranks)))
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
        search_rank=_as_float(reduce(add, ranks))
    )


def _query_words(query):
    words = []
    for word in query.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def _in_any_field(word):
    return reduce(or_, (_contains(field, word) for field in FIELD_WEIGHTS))


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


def _as_float(expression):
    return ExpressionWrapper(expression, output_field=FloatField())


def _tokens(text):
    return _WORD.findall(text.lower())


def _may_be_misspelled(token):
    return len(token) >= TRIGRAM_MIN_LENGTH and not token.isdigit()


def _vocabulary(queryset):
    rows = queryset.order_by("-sales_count", "-id").values_list(*VOCABULARY_FIELDS)[:VOCABULARY_ROWS]
    return sorted({token for row in rows for text in row if text for token in _tokens(text)})

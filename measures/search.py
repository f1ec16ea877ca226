"""Full-text search over measures, one interface for PostgreSQL and SQLite.

On PostgreSQL the search uses the `german` text search configuration (so "Verwaltungen"
finds "Verwaltung"), ranks by weighted fields and tolerates typos through trigram word
similarity (pg_trgm). SQLite has neither; there every word of the query must occur, case-folded
(so "BÜRGER" finds "Bürger"), in one of the searched fields.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat, Greatest

from .models import MeasureQuerySet, TaggedMeasure

# How similar a word of the code, title, summary or description must be to the query to
# count as a typo of it; 0.5 lets "Digitalisirung" find "Digitalisierung" but not "Dialog".
TRIGRAM_THRESHOLD = 0.5


def search_measures(measures: MeasureQuerySet, query: str) -> MeasureQuerySet:
    """Measures matching `query`, annotated with `relevance` (higher is better)."""
    query = " ".join(query.split())
    if not query:
        return measures.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _search_postgresql(measures, query)
    return _search_plain(measures, query)


def _tag_names():
    return Coalesce(
        Subquery(
            TaggedMeasure.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=Value(" ")))
            .values("names")
        ),
        Value(""),
        output_field=TextField(),
    )


def _search_postgresql(measures, query):
    vector = (
        SearchVector("code", weight="A", config="german")
        + SearchVector("title", weight="A", config="german")
        + SearchVector("summary", weight="B", config="german")
        + SearchVector(_tag_names(), weight="B", config="german")
        + SearchVector("description", weight="C", config="german")
        + SearchVector("lead_unit__name", weight="D", config="german")
    )
    text_query = SearchQuery(query, search_type="websearch", config="german")
    similarity = Greatest(
        TrigramWordSimilarity(query, "title"),
        TrigramWordSimilarity(query, "summary"),
        TrigramWordSimilarity(query, "code"),
        TrigramWordSimilarity(query, "description"),
    )
    return (
        measures.annotate(
            search_vector=vector,
            text_rank=SearchRank(F("search_vector"), text_query),
            similarity=similarity,
        )
        .filter(Q(search_vector=text_query) | Q(similarity__gte=TRIGRAM_THRESHOLD))
        .annotate(relevance=F("text_rank") + F("similarity"))
    )


def _search_plain(measures, query):
    haystack = Concat(
        "code",
        Value(" "),
        "title",
        Value(" "),
        "summary",
        Value(" "),
        "description",
        Value(" "),
        "lead_unit__name",
        Value(" "),
        _tag_names(),
        output_field=TextField(),
    )
    # casefold() is registered for SQLite connections in MeasuresConfig.
    measures = measures.annotate(
        search_text=Func(haystack, function="casefold", output_field=TextField())
    )
    for word in query.casefold().split():
        measures = measures.filter(search_text__contains=word)
    return measures.annotate(relevance=Value(1.0, output_field=FloatField()))

"""Full-text search over measures, one interface for PostgreSQL and SQLite.

Every measure stores what the search looks at, kept current on every write (see
`update_search_index` and measures/signals.py):

- `search_text`: code, title, summary, description, lead unit and tags, case-folded;
- `search_vector` (PostgreSQL only): the same as a weighted `german` tsvector.

On PostgreSQL the search matches the stored vector (so "Verwaltungen" finds
"Verwaltung") and ranks by weighted fields; where that finds nothing, it looks for words
similar to the query's in `search_text` (trigram word similarity), so typos still find.
Both use a GIN index, so a search stays fast with many thousand measures. SQLite has
neither; there every word of the query must occur, case-folded (so "BÜRGER" finds
"Bürger"), in `search_text`.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, connections
from django.db.models import F, FloatField, OuterRef, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Coalesce

# How similar a word of the code, title, summary or description must be to the query to
# count as a typo of it; 0.5 lets "Digitalisirung" find "Digitalisierung" but not "Dialog".
# Set as pg_trgm.word_similarity_threshold on every new PostgreSQL connection (below).
TRIGRAM_THRESHOLD = 0.5

CHUNK = 1000


def search_measures(measures, query: str):
    """Measures matching `query`, annotated with `relevance` (higher is better)."""
    query = " ".join(query.split())
    if not query:
        return measures.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        text_query = SearchQuery(query, search_type="websearch", config="german")
        found = measures.filter(search_vector=text_query)
        if found.exists():
            return found.annotate(relevance=SearchRank(F("search_vector"), text_query))
        # Nothing found as written: a typo? Measures with words like the query's.
        return measures.filter(search_text__trigram_word_similar=query).annotate(
            relevance=TrigramWordSimilarity(query, "search_text")
        )
    for word in query.casefold().split():
        measures = measures.filter(search_text__contains=word)
    return measures.annotate(relevance=Value(1.0, output_field=FloatField()))


def update_search_index(measure_ids, *, models=None, using="default") -> None:
    """Recomputes the stored search fields of the given measures.

    `models` lets a migration pass its historical (Measure, TaggedMeasure,
    OrganisationalUnit); the app's own models are used otherwise.
    """
    if models is None:
        from .models import Measure, OrganisationalUnit, TaggedMeasure

        models = (Measure, TaggedMeasure, OrganisationalUnit)
    Measure, TaggedMeasure, OrganisationalUnit = models
    ids = list(measure_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        tags = {}
        for measure_id, name in (
            TaggedMeasure.objects.using(using)
            .filter(content_object_id__in=chunk)
            .values_list("content_object_id", "tag__name")
        ):
            tags.setdefault(measure_id, []).append(name)
        rows = list(
            Measure.objects.using(using)
            .filter(pk__in=chunk)
            .select_related("lead_unit")
            .only("code", "title", "summary", "description", "lead_unit__name")
        )
        for measure in rows:
            parts = [measure.code, measure.title, measure.summary, measure.description]
            parts += [measure.lead_unit.name if measure.lead_unit_id else ""]
            parts += sorted(tags.get(measure.pk, []))
            measure.search_text = " ".join(part for part in parts if part).casefold()
        Measure.objects.using(using).bulk_update(rows, ["search_text"])
        if connections[using].vendor == "postgresql":
            Measure.objects.using(using).filter(pk__in=chunk).update(
                search_vector=_vector(TaggedMeasure, OrganisationalUnit)
            )


def _vector(TaggedMeasure, OrganisationalUnit):
    tag_names = Coalesce(
        Subquery(
            TaggedMeasure.objects.filter(content_object=OuterRef("pk"))
            .values("content_object")
            .annotate(names=StringAgg("tag__name", delimiter=Value(" "), order_by="tag__name"))
            .values("names")
        ),
        Value(""),
        output_field=TextField(),
    )
    unit_name = Coalesce(
        Subquery(OrganisationalUnit.objects.filter(pk=OuterRef("lead_unit_id")).values("name")),
        Value(""),
        output_field=TextField(),
    )
    return (
        SearchVector("code", weight="A", config="german")
        + SearchVector("title", weight="A", config="german")
        + SearchVector("summary", weight="B", config="german")
        + SearchVector(tag_names, weight="B", config="german")
        + SearchVector("description", weight="C", config="german")
        + SearchVector(unit_name, weight="D", config="german")
    )


def set_trigram_threshold(sender, connection, **kwargs):
    """connection_created: the typo tolerance for this session (measures/apps.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {TRIGRAM_THRESHOLD:.2f}")

"""Full-text search over measures, one interface for PostgreSQL and SQLite.

Every measure stores what the search looks at, kept current on every write (see
`update_search_index` and measures/signals.py):

- `search_text`: code, title, summary, description, lead unit and tags, folded (`fold`:
  case and accents ignored, so "BÜRGER", "Bürger" and "Burger" read alike);
- `search_vector` (PostgreSQL only): the same as a weighted `german` tsvector.

A query word that belongs to a synonym group the Redaktion keeps (`SynonymGroup`) stands
for every word of its group: "Bürgerportal" also finds the Serviceportal. Only the first
`MAX_WORDS` words of a query are expanded so, and on SQLite looked for at all, so that a
search costs the same whatever is typed.

On PostgreSQL the search matches the stored vector (so "Verwaltungen" finds
"Verwaltung") and ranks by weighted fields; where that finds nothing, it looks for words
similar to the query's in `search_text` (trigram word similarity), so typos still find.
Both use a GIN index, so a search stays fast with many thousand measures. SQLite has
neither; there every word of the query (or one of its synonyms) must occur in
`search_text`, folded; a word written with "ae", "oe" or "ue" is also looked for with
"ä", "ö" or "ü" ("Buergerportal" finds "Bürgerportal").
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, connections
from django.db.models import F, FloatField, OuterRef, Q, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# How similar a word of the code, title, summary or description must be to the query to
# count as a typo of it; 0.5 lets "Digitalisirung" find "Digitalisierung" but not "Dialog".
# Set as pg_trgm.word_similarity_threshold on every new PostgreSQL connection (below).
TRIGRAM_THRESHOLD = 0.5

# Words of a query that are expanded by synonyms (and, on SQLite, searched at all).
MAX_WORDS = 10

CHUNK = 1000

# Endings a German word may carry beyond the form a measure uses; highlighting also
# marks the stem ("Verwaltungen" marks "Verwaltung", as PostgreSQL finds it).
ENDINGS = ("en", "er", "es", "e", "n", "s")
# Characters around a query word that are search syntax, not part of the word.
SYNTAX = "\"'-+(),;:!?"


def fold(text: str) -> str:
    """`text` with case and accents removed: "Bürger", "BÜRGER" and "Burger" read alike
    ("ß" becomes "ss")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def spellings(word: str) -> set[str]:
    """The folded forms a written word may stand for: "Buerger" is also "Bürger"."""
    folded = fold(word)
    return {folded, re.sub("ae|oe|ue", lambda pair: pair[0][0], folded)}


@dataclass(frozen=True)
class Word:
    """A word of a query with the other words of its synonym group."""

    written: str
    synonyms: tuple[str, ...] = ()

    def spellings(self) -> set[str]:
        """The folded forms the word and its synonyms are found by."""
        return set().union(*(spellings(word) for word in (self.written, *self.synonyms)))


@dataclass(frozen=True)
class Query:
    """A search as typed, with its words and their synonyms (`parse`)."""

    text: str
    words: tuple[Word, ...]

    def __bool__(self):
        return bool(self.text)

    def expansions(self) -> list[Word]:
        """The words that were also searched as their synonyms, each once."""
        seen, result = set(), []
        for word in self.words:
            if word.synonyms and fold(word.written) not in seen:
                seen.add(fold(word.written))
                result.append(word)
        return result

    def highlight_terms(self) -> list[str]:
        """Folded strings to mark in the results: each word, its synonyms and their
        stems."""
        terms = set()
        for word in self.words:
            for spelling in word.spellings():
                spelling = spelling.strip(SYNTAX)
                terms.add(spelling)
                for ending in ENDINGS:
                    if spelling.endswith(ending) and len(spelling) - len(ending) >= 4:
                        terms.add(spelling.removesuffix(ending))
        return sorted(term for term in terms if len(term) >= 2)


def parse(text: str) -> Query:
    """The query `text` with the synonyms of its first `MAX_WORDS` words (one database
    query if there is any text)."""
    text = " ".join(text.split())
    if not text:
        return Query("", ())
    from .models import SynonymGroup

    groups = {}
    for group in SynonymGroup.objects.all():
        for word in group.word_list:
            groups[fold(word)] = group.word_list
    words = []
    for written in text.split()[:MAX_WORDS]:
        synonyms = ()
        if not written.startswith("-"):  # a word the search is to leave out
            keys = sorted(spellings(written.strip(SYNTAX)) & groups.keys())
            # The group's words but the one typed; one typed with "ue" for "ü" is
            # looked for as the group writes it, too ("Buergerportal": "Bürgerportal").
            typed = fold(written.strip(SYNTAX))
            synonyms = tuple(w for w in groups[keys[0]] if fold(w) != typed) if keys else ()
        words.append(Word(written, synonyms))
    return Query(text, tuple(words))


def search_measures(measures, query: "str | Query"):
    """Measures matching `query`, annotated with `relevance` (higher is better)."""
    if isinstance(query, str):
        query = parse(query)
    if not query:
        return measures.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        text_query = _text_query(query)
        found = measures.filter(search_vector=text_query)
        if found.exists():
            return found.annotate(relevance=SearchRank(F("search_vector"), text_query))
        # Nothing found as written: a typo? Measures with words like the query's.
        typed = fold(query.text)
        return measures.filter(search_text__trigram_word_similar=typed).annotate(
            relevance=TrigramWordSimilarity(typed, "search_text")
        )
    for word in query.words:
        measures = measures.filter(
            reduce(or_, (Q(search_text__contains=form) for form in sorted(word.spellings())))
        )
    return measures.annotate(relevance=Value(1.0, output_field=FloatField()))


def _text_query(query: Query):
    """The tsquery of `query`: the text as a web search, where a word has synonyms the
    word or any of them, each also as the start of a compound ("Glasfaser" finds
    "Glasfaserverbindungen")."""
    expanded = [word for word in query.words if word.synonyms]
    if not expanded:
        return SearchQuery(query.text, search_type="websearch", config="german")
    rest = query.text.split()
    for word in expanded:
        rest.remove(word.written)
    parts = [SearchQuery(" ".join(rest), search_type="websearch", config="german")] if rest else []
    for word in expanded:
        alternatives = [_prefixes(synonym) for synonym in (word.written, *word.synonyms)]
        parts.append(reduce(or_, (alt for alt in alternatives if alt is not None)))
    return reduce(and_, parts)


def _prefixes(words: str):
    """A tsquery matching words that start as each word of `words` does (None if it
    has no letters)."""
    # Only letters and digits reach the raw query: nothing in it is tsquery syntax.
    pieces = re.findall(r"\w+", words)
    if not pieces:
        return None
    raw = " & ".join(f"'{piece}':*" for piece in pieces)
    return SearchQuery(raw, search_type="raw", config="german")


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each character of the folded text the position in `text`
    of the character it comes from ("ß" folds to two)."""
    pieces, owner = [], []
    for position, char in enumerate(text):
        folded = fold(char)
        pieces.append(folded)
        owner.extend([position] * len(folded))
    return "".join(pieces), owner


def contains_any(text: str, terms) -> bool:
    """Whether any of the folded `terms` occurs in `text`, as `highlight` would mark it."""
    folded = fold(str(text))
    return any(term in folded for term in terms)


def highlight(text: str, terms) -> SafeString:
    """`text`, escaped, with every occurrence of the folded `terms` in <mark>, also
    within a word ("Schule" in "Fachhochschule")."""
    text = str(text)
    if not terms:
        return escape(text)
    folded, owner = _folded_with_positions(text)
    marked = [False] * len(text)
    for term in terms:
        start = folded.find(term)
        while start != -1:
            for index in range(start, start + len(term)):
                marked[owner[index]] = True
            start = folded.find(term, start + 1)
    html = []
    for is_marked, chars in itertools.groupby(zip(text, marked, strict=True), lambda c: c[1]):
        chunk = escape("".join(char for char, _ in chars))
        html.append(f"<mark>{chunk}</mark>" if is_marked else chunk)
    return mark_safe("".join(html))  # every piece is escaped above


def excerpt(text: str, terms, *, radius: int = 60) -> SafeString:
    """The passage of `text` around the first of the folded `terms` found in it, marked as
    by `highlight`, with "…" where it is cut; "" if no term occurs."""
    text = " ".join(str(text).split())
    folded, owner = _folded_with_positions(text)
    hits = [(folded.find(term), term) for term in terms]
    hits = [(index, term) for index, term in hits if index != -1]
    if not hits:
        return mark_safe("")
    index, term = min(hits)
    start, end = owner[index], owner[index + len(term) - 1] + 1
    begin = text.rfind(" ", 0, max(start - radius, 0)) + 1 if start > radius else 0
    stop = text.find(" ", end + radius)
    stop = len(text) if stop == -1 else stop
    passage = highlight(text[begin:stop], terms)
    return mark_safe(("… " if begin else "") + passage + (" …" if stop < len(text) else ""))


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
            measure.search_text = fold(" ".join(part for part in parts if part))
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

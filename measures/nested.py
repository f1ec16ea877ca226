"""Small related lists read inside the query of the row they belong to, as JSON.

A Steckbrief shows one measure with half a dozen short lists (milestones, Kennzahlen and
their values, online services, Ratsdokumente, postponements); a prefetch asks the
database once for each. `rows` puts such a list into the parent's query as a JSON array
(JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite) and `attach` turns it back into
model instances, stored as a prefetch would store them: `measure.milestones.all()` then
asks nothing.
"""

import datetime
import decimal

from django.conf import settings
from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast, JSONObject
from django.utils.dateparse import parse_date, parse_datetime


class JSONRows(models.Aggregate):
    """The rows of a group as one JSON array of objects, in `order_by` where the database
    orders within an aggregate (else `attach` sorts)."""

    function = "JSON_GROUP_ARRAY"
    allow_order_by = True
    output_field = models.JSONField()

    def as_sql(self, compiler, connection, **extra_context):
        if self.order_by is not None and not connection.features.supports_aggregate_order_by_clause:
            clone = self.copy()
            clone.order_by = None
            return super(JSONRows, clone).as_sql(compiler, connection, **extra_context)
        return super().as_sql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def rows(queryset, link: str, ordering=None) -> Subquery:
    """For an annotation of the parent: the rows of `queryset` whose `link` (a foreign
    key, or a path to one) is the parent, every concrete field, as JSON; None without
    any."""
    model = queryset.model
    ordering = list(ordering or model._meta.ordering)
    row = JSONObject(**{field.attname: _as_json(field) for field in model._meta.concrete_fields})
    grouped = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Subquery(grouped.annotate(rows=JSONRows(row, order_by=ordering)).values("rows"))


def _as_json(field):
    # A decimal as text: JSON numbers would come back as floats.
    if isinstance(field, models.DecimalField):
        return Cast(field.attname, models.TextField())
    return models.F(field.attname)


def instances(model, data, ordering=None) -> list:
    """The model instances of the JSON rows `data` (from `rows`), in `ordering`."""
    fields = model._meta.concrete_fields
    names = [field.attname for field in fields]
    objects = [
        model.from_db("default", names, [_from_json(field, row[field.attname]) for field in fields])
        for row in data or ()
    ]
    if not connection.features.supports_aggregate_order_by_clause:
        # The database's order, which compares text by code point (SQLite's BINARY) and
        # puts NULL first.
        for name in reversed(list(ordering or model._meta.ordering)):
            attname = model._meta.get_field(name.lstrip("-")).attname
            objects.sort(
                key=lambda obj, a=attname: (getattr(obj, a) is not None, getattr(obj, a)),
                reverse=name.startswith("-"),
            )
    return objects


def _from_json(field, value):
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(str(value)).quantize(
            decimal.Decimal(1).scaleb(-field.decimal_places)
        )
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if settings.USE_TZ and moment.tzinfo is None:
            # SQLite keeps UTC without an offset.
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.BooleanField):
        return bool(value)
    return value


def attach(instance, name: str, objects) -> None:
    """Store `objects` as the prefetched `instance.<name>.all()` (a reverse foreign key),
    each with its link back to `instance`, as prefetch_related does."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    for obj in queryset._result_cache:
        manager.field.set_cached_value(obj, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[manager.field.remote_field.cache_name] = queryset

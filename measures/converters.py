from django.urls import register_converter

from strategy.converters import CodeConverter


class MeasureCodeConverter(CodeConverter):
    regex = r"[A-Z]{2,4}-\d{1,2}\.\d{1,4}"


class TagSlugConverter(CodeConverter):
    regex = r"[-\w]+"


# Registered on import, so every URLconf that uses them (measures, opendata) can rely on it.
register_converter(MeasureCodeConverter, "measure_code")
register_converter(TagSlugConverter, "tag_slug")

"""Codes of Handlungsfelder and Maßnahmen and the Kurzname of a Schlagwort, each pattern
written once (see strategy/codes.py)."""

from strategy.codes import PREFIX

# A Handlungsfeld "SC-2" …
FIELD_CODE = rf"{PREFIX}-\d{{1,2}}"
# … and its measures "SC-2.3".
MEASURE_CODE = rf"{FIELD_CODE}\.\d{{1,4}}"
# taggit's slugs keep any word character (umlauts too).
TAG_SLUG = r"[-\w]+"

CONVERTERS = {"measure_code": MEASURE_CODE, "tag_slug": TAG_SLUG}

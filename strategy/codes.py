"""The codes of the strategy's parts, each pattern written once: model validators, URL
converters and the API's parameter types use these.

A pattern here has no anchors; `whole` anchors it for a validator or a schema. The URL
converters accept only well-formed codes, so a malformed address is a plain 404 before
it reaches the database (PostgreSQL rejects text with NUL bytes, for one).
"""

from django.core.validators import RegexValidator
from django.urls import register_converter
from django.urls.converters import get_converters

# The Kürzel of a Teilstrategie, which starts the code of its goals, fields and measures.
PREFIX = r"[A-Z]{2,4}"
# An übergeordnetes Ziel "SC-Z1" or a strategisches Ziel "SC-Z1.2".
GOAL_CODE = rf"{PREFIX}-Z\d{{1,2}}(?:\.\d{{1,2}})?"
# A Kurzname in an address: lower-case letters, digits and hyphens.
SLUG = r"[-a-z0-9]{1,80}"


def whole(pattern: str) -> str:
    """The pattern for a whole value."""
    return rf"^{pattern}$"


def validator(pattern: str, message: str) -> RegexValidator:
    return RegexValidator(whole(pattern), message)


class CodeConverter:
    """A path converter for one of the patterns above."""

    regex = ""

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def converter(pattern: str) -> type[CodeConverter]:
    return type("CodeConverter", (CodeConverter,), {"regex": pattern})


def register_converters(converters: dict[str, str]) -> None:
    """Registers path converters (name → pattern) for a URLconf that uses them; a name
    another URLconf registered already stays as it is."""
    for name, pattern in converters.items():
        if name not in get_converters():
            register_converter(converter(pattern), name)


CONVERTERS = {"goal_code": GOAL_CODE}

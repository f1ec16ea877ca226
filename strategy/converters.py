"""Path converters that accept only well-formed codes, so a malformed address is a plain
404 before it reaches the database (PostgreSQL rejects text with NUL bytes, for one)."""

from django.urls import register_converter


class CodeConverter:
    regex = r"[A-Z]{2,4}-\d{1,2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class GoalCodeConverter(CodeConverter):
    regex = r"[A-Z]{2,4}-Z\d{1,2}(?:\.\d{1,2})?"


register_converter(GoalCodeConverter, "goal_code")

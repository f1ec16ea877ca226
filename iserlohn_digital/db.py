"""Limits of every PostgreSQL session, so that a slow or hung database ties up no thread
for long (the connection's own limits are in settings.DATABASES)."""

from django.conf import settings


def set_statement_timeout(sender, connection, **kwargs):
    """connection_created: no statement runs longer than DATABASE_STATEMENT_TIMEOUT.

    A SET, not a startup option, as a connection pooler such as PgBouncer refuses those.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SET statement_timeout = %s", [f"{settings.DATABASE_STATEMENT_TIMEOUT}s"]
            )

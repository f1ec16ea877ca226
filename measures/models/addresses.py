"""Addresses of online offers the portal links to: a citizen follows them to enter
personal data, so only encrypted (https) addresses are accepted."""

from django.core.exceptions import ValidationError

HTTPS_REQUIRED = "Bitte eine sichere Adresse angeben, die mit „https://“ beginnt."


def validate_https(value: str) -> None:
    """Refuses every address that is not https (http, javascript:, mailto: …)."""
    if value and not value.lower().startswith("https://"):
        raise ValidationError(HTTPS_REQUIRED, code="https")

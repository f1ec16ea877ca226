"""Every write to content bumps the content version, so cached pages and PDFs renew.

Each app with content calls `track_content` from its `ready()`, naming the models of it
the public never sees (no page changes with them)."""

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

# Sent once after each committed transaction that changed content (publications renew).
content_changed = Signal()


def _announce():
    content_changed.send(sender=None)


def _bump(sender, action=None, **kwargs):
    from .models import ContentVersion

    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after; once is enough

    ContentVersion.bump()


def announce_change():
    """Send `content_changed` when the current transaction commits (at once outside one),
    once per transaction however many rows it changes."""
    if not any(entry[1] is _announce for entry in connection.run_on_commit):
        transaction.on_commit(_announce)


def track_content(app_config, *, not_content=()):
    """Bumps the content version on every save, delete and many-to-many change of the
    app's models but those named in `not_content` (model names) and the histories."""
    for model in app_config.get_models():
        name = model._meta.model_name
        if name in not_content or name.startswith("historical"):
            continue
        label = model._meta.label
        post_save.connect(_bump, sender=model, dispatch_uid=f"bump-save-{label}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-del-{label}")
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _bump, sender=through, dispatch_uid=f"bump-m2m-{through._meta.label}"
            )

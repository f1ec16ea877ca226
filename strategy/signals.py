"""Every write to content bumps the content version, so cached pages and PDFs renew."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

CONTENT_APPS = ("strategy", "measures")
# What these apps also keep that the public never sees: no page changes with it.
NOT_CONTENT = {
    "strategy.contentversion",
    "strategy.barrierreport",
    "strategy.ratelimit",
    "measures.pendingimport",
}


def _bump(sender, action=None, **kwargs):
    from .models import ContentVersion

    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires before and after; once is enough

    ContentVersion.bump()


def connect():
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower in NOT_CONTENT or model._meta.model_name.startswith(
                "historical"
            ):
                continue
            post_save.connect(_bump, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
            post_delete.connect(_bump, sender=model, dispatch_uid=f"bump-del-{model._meta.label}")
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    _bump,
                    sender=field.remote_field.through,
                    dispatch_uid=f"bump-m2m-{field.remote_field.through._meta.label}",
                )

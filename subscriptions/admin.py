"""The Redaktion sees how many follow each item, never who: no list of addresses, no
form of a single subscription."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from iserlohn_digital.roles import is_redaktion
from measures.admin import ReadOnlyAdmin

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    def has_module_permission(self, request):
        return is_redaktion(request.user)

    def has_view_permission(self, request, obj=None):
        return obj is None and is_redaktion(request.user)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [
            {**row, "item": Subscription(target=row["target"], key=row["key"]).describe()}
            for row in Subscription.objects.counts()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Abonnements: wie viele folgen",
            "opts": self.model._meta,
            "rows": rows,
            "unconfirmed": Subscription.objects.unconfirmed().count(),
        }
        return TemplateResponse(request, "admin/subscriptions/subscription/counts.html", context)

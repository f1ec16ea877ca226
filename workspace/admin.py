"""The Redaktion's view of the mailed links: who got which, who used it when, and
"widerrufen" for a link that must not be used any more."""

from django.contrib import admin, messages
from django.utils import timezone

from iserlohn_digital.roles import is_redaktion
from measures.admin import ReadOnlyAdmin

from .models import UpdateLink, UpdateLinkUse


class RedaktionOnly(ReadOnlyAdmin):
    """Read-only, for the Redaktion alone (by role, not by model permissions)."""

    def has_module_permission(self, request):
        return is_redaktion(request.user)

    def has_view_permission(self, request, obj=None):
        return is_redaktion(request.user)


@admin.register(UpdateLink)
class UpdateLinkAdmin(RedaktionOnly):
    list_display = ["measure", "editor", "created_at", "expires_at", "used_at", "revoked_at"]
    list_select_related = ["measure", "editor"]
    search_fields = ["measure__code", "editor__username"]
    actions = ["revoke"]

    @admin.action(description="Ausgewählte Links widerrufen")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{count} Link(s) widerrufen.")


@admin.register(UpdateLinkUse)
class UpdateLinkUseAdmin(RedaktionOnly):
    list_display = ["used_at", "link", "user", "signed_in", "status_update"]
    list_select_related = ["link__measure", "link__editor", "user", "status_update__measure"]

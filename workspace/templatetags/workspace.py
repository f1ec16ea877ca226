from django import template
from django.utils import timezone

from iserlohn_digital.roles import is_redaktion
from measures import review

from .. import attention
from ..views import may_report

register = template.Library()


@register.simple_tag(takes_context=True)
def my_tasks(context):
    """For the admin start page: the signed-in editor's measures that need attention (the
    Redaktion's: all, grouped by unit) and, for the Redaktion, drafts and text changes
    waiting for approval."""
    user = context["request"].user
    redaktion = is_redaktion(user)
    found = attention.tasks(attention.measures_of(user), timezone.localdate())
    return {
        "redaktion": redaktion,
        "count": len(found),
        "groups": attention.by_unit(found),
        "drafts": list(attention.drafts_waiting()) if redaktion else [],
        "approvals": list(review.open_changes(user)),
    }


@register.inclusion_tag("workspace/editor_actions.html", takes_context=True)
def editor_actions(context, measure):
    """ "Stand melden" and "Bearbeiten" on a public Steckbrief, for its editors only. Pages
    of signed-in staff are never cached (PrivatePreviewMiddleware, pagecache), so the
    public never gets them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"measure": measure, "show": user is not None and may_report(user, measure)}

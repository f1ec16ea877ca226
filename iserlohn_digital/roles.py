"""The two roles of staff, each defined once with its permissions: the Redaktion edits
and publishes everything; a Fachbereich edits the measures of its own organisational
units (the admin restricts it to those). `apply_roles` makes the groups match after every
migrate; `create_editor` puts accounts into them."""

from dataclasses import dataclass

# What the public sees and the staff keep, per app.
CONTENT_MODELS = {
    "strategy": ["principle", "substrategy", "goal", "signlanguagevideo"],
    "measures": [
        "organisationalunit",
        "fieldofaction",
        "tag",
        "taggedmeasure",
        "measure",
        "statusupdate",
        "milestone",
        "indicator",
        "indicatorvalue",
        "onlineservice",
        "lifesituation",
        "postponement",
        "councildocument",
    ],
}


def _on_content(*actions: str) -> list[str]:
    return [
        f"{app}.{action}_{model}"
        for app, models in CONTENT_MODELS.items()
        for model in models
        for action in actions
    ]


@dataclass(frozen=True)
class Role:
    group: str
    permissions: tuple[str, ...]  # "app_label.codename"


ROLES = {
    "redaktion": Role(
        "Redaktion",
        (
            *_on_content("add", "change", "delete", "view"),
            "measures.publish_measure",
            "strategy.add_infopage",
            "strategy.change_infopage",
            "strategy.view_infopage",
            "strategy.view_barrierreport",
            "strategy.change_barrierreport",
            # Freezes council reports; nobody but a superuser changes or withdraws one.
            "reports.add_report",
            "reports.view_report",
            # Links to council documents are not part of the frozen files.
            "reports.add_reportcouncildocument",
            "reports.change_reportcouncildocument",
            "reports.delete_reportcouncildocument",
            "reports.view_reportcouncildocument",
            # The stored PDFs and the task worker's queue, to read.
            "measures.view_publicationfile",
            "django_tasks_database.view_dbtaskresult",
            # Text changes of the Fachbereiche waiting for approval ("Freigaben"); deciding
            # them goes with measures.publish_measure (measures/review.py).
            "measures.view_pendingchange",
            # The search's synonyms are vocabulary, not a unit's content.
            "measures.add_synonymgroup",
            "measures.change_synonymgroup",
            "measures.delete_synonymgroup",
            "measures.view_synonymgroup",
        ),
    ),
    # Reads the structure and edits its own measures: texts, status and progress (by new
    # status updates; published ones are a record only the Redaktion corrects),
    # milestones, Kennzahlen, online services and Ratsdokumente. No deleting, no publishing.
    "fachbereich": Role(
        "Fachbereich",
        (
            *_on_content("view"),
            "reports.view_report",
            "reports.view_reportcouncildocument",
            "measures.change_measure",
            "measures.add_statusupdate",
            "measures.add_milestone",
            "measures.change_milestone",
            "measures.add_indicator",
            "measures.change_indicator",
            "measures.add_indicatorvalue",
            "measures.change_indicatorvalue",
            "measures.add_onlineservice",
            "measures.change_onlineservice",
            "measures.add_councildocument",
            "measures.change_councildocument",
            "measures.add_taggedmeasure",
            "measures.delete_taggedmeasure",
            # Its own units' text changes waiting for the Redaktion, to read.
            "measures.view_pendingchange",
        ),
    ),
}


def apply_roles(using="default", **kwargs) -> None:
    """post_migrate: each role's group holds exactly its permissions (connected in
    measures/apps.py, after the permissions of both apps exist)."""
    from django.contrib.auth.models import Group, Permission

    apps = {label.split(".")[0] for role in ROLES.values() for label in role.permissions}
    known = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.using(using)
        .filter(content_type__app_label__in=apps)
        .values_list("pk", "content_type__app_label", "codename")
    }
    for role in ROLES.values():
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        group.permissions.set([known[label] for label in role.permissions if label in known])


def is_redaktion(user) -> bool:
    """The Redaktion may publish and edit everything (permission measures.publish_measure)."""
    return user.is_active and user.has_perm("measures.publish_measure")


def sees_drafts(user) -> bool:
    """Signed-in staff see drafts on the public pages (all of them for the Redaktion, their
    own units' for a Fachbereich); such answers are never cached or shared."""
    return user.is_authenticated and user.is_staff

"""The two roles of staff: the Redaktion edits and publishes everything; a Fachbereich
edits the measures of its own organisational units."""


def is_redaktion(user) -> bool:
    """The Redaktion may publish and edit everything (permission measures.publish_measure)."""
    return user.is_active and user.has_perm("measures.publish_measure")


def sees_drafts(user) -> bool:
    """Signed-in staff see drafts on the public pages (all of them for the Redaktion, their
    own units' for a Fachbereich); such answers are never cached or shared."""
    return user.is_authenticated and user.is_staff

import pytest

from strategy.models import ContentVersion
from tests.builders import make_measure, make_update

pytestmark = pytest.mark.django_db


def version():
    return ContentVersion.current().number


def test_every_kind_of_content_write_raises_the_version():
    before = version()
    measure = make_measure()
    after_create = version()
    assert after_create > before
    measure.title = "Neu"
    measure.save()
    assert version() > after_create
    steps = [
        lambda: measure.tags.add("Neu"),
        lambda: measure.tags.remove("Neu"),
        lambda: measure.goals.add(
            measure.field_of_action.goals.create(
                code="SC-Z100",  # beyond the builders' SC-Z0 … SC-Z99
                substrategy=measure.field_of_action.substrategy,
                kind="uebergeordnet",
                title="Ziel",
            )
        ),
        lambda: make_update(measure),
        lambda: measure.updates.first().delete(),
        lambda: measure.lead_unit.__class__.objects.filter(pk=measure.lead_unit_id).first().save(),
    ]
    for step in steps:
        current = version()
        step()
        assert version() > current

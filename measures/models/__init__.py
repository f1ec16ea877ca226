"""Handlungsfelder, Maßnahmen and everything that records how far a Maßnahme has come.

A Maßnahme belongs to one Handlungsfeld of a Teilstrategie, serves goals, is led by an
organisational unit and moves through its status by dated status updates. Milestones and
indicators (Kennzahlen) say when it counts as done; online services record the OZG
Verwaltungsleistungen it brings online; council documents (Ratsdokumente) link it to
the council's Vorlagen. Postponements record every move of a planned
date or a Kennzahl's target, with the reason.
"""

from .council import CouncilDocument, CouncilDocumentFields
from .fields_of_action import FieldOfAction
from .imports import PendingImport
from .measures import Measure, MeasureQuerySet
from .online_services import LifeSituation, OnlineService
from .pending_changes import PendingChange
from .postponements import Postponement
from .progress import Indicator, IndicatorValue, Milestone
from .publications import PublicationFile
from .status import ACTIVE_STATUSES, CLOSED_STATUSES, Status, StatusUpdate, current_updates
from .synonyms import SynonymGroup
from .tags import Tag, TaggedMeasure
from .units import OrganisationalUnit

__all__ = [
    "ACTIVE_STATUSES",
    "CLOSED_STATUSES",
    "CouncilDocument",
    "CouncilDocumentFields",
    "FieldOfAction",
    "Indicator",
    "IndicatorValue",
    "LifeSituation",
    "Measure",
    "MeasureQuerySet",
    "Milestone",
    "OnlineService",
    "OrganisationalUnit",
    "PendingChange",
    "PendingImport",
    "Postponement",
    "PublicationFile",
    "Status",
    "StatusUpdate",
    "SynonymGroup",
    "Tag",
    "TaggedMeasure",
    "current_updates",
]

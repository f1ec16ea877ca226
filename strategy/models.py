"""The Leitbild and the two Teilstrategien with their goals.

The Leitbild "Iserlohn digital" has four Leitsätze (principles). The strategy divides into
the Teilstrategien Smart City and E-Government; from the Leitbild, übergeordnete and
strategische Ziele are derived for each of them.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Avg, Count, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from iserlohn_digital.roles import is_redaktion, sees_drafts

from . import codes

MARKDOWN_HELP = (
    "Markdown: **fett**, *kursiv*, Listen mit „- “ am Zeilenanfang, "
    "Links als [Text](https://…), Leerzeile für einen neuen Absatz."
)


# How a decision of the council is cited: by its own document where the Redaktion has it,
# else plainly as what the press reported.
COUNCIL_DECISION_HELP = (
    "Einen Beschluss des Rates oder eines Ausschusses mit seiner Vorlage im "
    "Ratsinformationssystem belegen, z. B. „[Vorlage V/2021/012](https://…)“. Solange nur "
    "Presseberichte ihn belegen, so kennzeichnen: „Laut Presseberichten (Quelle) hat …“."
)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """What the public may see."""
        return self.filter(is_published=True)

    def visible_to(self, user):
        """What a visitor may see: the published part, and drafts too for the Redaktion
        (preview)."""
        if sees_drafts_of_all(user):
            return self.all()
        return self.published()


def sees_drafts_of_all(user) -> bool:
    """Goals and Handlungsfelder in draft are previewed by the Redaktion only."""
    return sees_drafts(user) and is_redaktion(user)


class FullUrlMixin:
    """`get_full_url()`: the page's address with the site's public origin (SITE_URL), as
    PDFs, feeds and open data link it."""

    def get_full_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def rolled_up_progress(measures, serving: Q) -> dict:
    """Annotations `measure_count` and `progress` (mean percent, None without measures) of
    the `measures` matching `serving`, a condition on the row annotated (written with
    `OuterRef(OuterRef(...))`); each measure counts once, however many of the row's goals
    it serves."""
    once = measures.filter(pk__in=measures.filter(serving).values("pk")).order_by()
    count = once.annotate(n=Func("pk", function="COUNT")).values("n")
    mean = once.annotate(mean=Func("progress", function="AVG")).values("mean")
    return {
        "measure_count": Coalesce(Subquery(count), 0),
        "progress": Subquery(mean, output_field=models.FloatField()),
    }


class PrincipleQuerySet(models.QuerySet):
    def with_progress(self, measures):
        """Annotates `measure_count` and `progress` of `measures` (e.g. the published ones,
        passed by the measures app) serving a goal of each Leitsatz or a sub-goal of one."""
        principle = OuterRef(OuterRef("pk"))
        return self.annotate(
            **rolled_up_progress(
                measures, Q(goals__principles=principle) | Q(goals__parent__principles=principle)
            )
        )


class PrincipleManager(models.Manager.from_queryset(PrincipleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Principle(FullUrlMixin, models.Model):
    """A Leitsatz of the Leitbild "Iserlohn digital"."""

    number = models.PositiveSmallIntegerField("Nummer", unique=True)
    slug = models.SlugField("Kurzname (URL)", max_length=80, unique=True)
    title = models.CharField("Stichwort", max_length=80)
    text = models.CharField("Leitsatz", max_length=300)
    explanation = models.TextField("Erläuterung", blank=True, help_text=MARKDOWN_HELP)

    objects = PrincipleManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "Leitsatz"
        verbose_name_plural = "Leitsätze"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="principle_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def get_absolute_url(self):
        return reverse("strategy:leitbild") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)


class SubStrategyQuerySet(models.QuerySet):
    """Figures per Teilstrategie of what the measures app keeps, from a queryset it passes
    (this app knows Handlungsfelder and measures only as the reverse relations to it)."""

    def with_field_count(self, fields):
        """Annotates `field_count`: how many of the Handlungsfelder `fields` each has."""
        per_substrategy = fields.filter(substrategy=OuterRef("pk")).order_by()
        counts = per_substrategy.values("substrategy").annotate(n=Count("pk")).values("n")
        return self.annotate(field_count=Coalesce(Subquery(counts), 0))

    def with_progress(self, measures):
        """Annotates `measure_count` and `progress` (mean percent, None without measures)
        of `measures`, e.g. the published ones, per Teilstrategie."""
        per_substrategy = (
            measures.filter(field_of_action__substrategy=OuterRef("pk"))
            .order_by()
            .values("field_of_action__substrategy")
        )
        counts = per_substrategy.annotate(n=Count("pk")).values("n")
        means = per_substrategy.annotate(mean=Avg("progress")).values("mean")
        return self.annotate(
            measure_count=Coalesce(Subquery(counts), 0),
            progress=Subquery(means, output_field=models.FloatField()),
        )


class SubStrategyManager(models.Manager.from_queryset(SubStrategyQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SubStrategy(FullUrlMixin, models.Model):
    """A Teilstrategie: Smart City or E-Government."""

    slug = models.SlugField("Kurzname (URL)", max_length=40, unique=True)
    code = models.CharField(
        "Kürzel",
        max_length=4,
        unique=True,
        help_text="Präfix der Codes von Zielen, Handlungsfeldern und Maßnahmen, z. B. „SC“.",
    )
    name = models.CharField("Name", max_length=80, unique=True)
    tagline = models.CharField("Kurzbeschreibung", max_length=200)
    introduction = models.TextField(
        "Einleitung",
        blank=True,
        help_text=MARKDOWN_HELP + " " + COUNCIL_DECISION_HELP,
    )
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    objects = SubStrategyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "Teilstrategie"
        verbose_name_plural = "Teilstrategien"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("strategy:substrategy-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class GoalQuerySet(PublishedQuerySet):
    def overarching(self):
        """Übergeordnete Ziele, derived directly from the Leitbild."""
        return self.filter(kind=Goal.Kind.OVERARCHING)

    def strategic(self):
        """Strategische Ziele, each refining an übergeordnetes Ziel."""
        return self.filter(kind=Goal.Kind.STRATEGIC)

    def in_substrategy(self, substrategy):
        """Goals of one Teilstrategie."""
        return self.filter(substrategy=substrategy)

    def with_progress(self, measures):
        """Annotates `measure_count` and `progress` of `measures` (e.g. the published ones,
        passed by the measures app) serving each goal or one of its sub-goals."""
        goal = OuterRef(OuterRef("pk"))
        return self.annotate(**rolled_up_progress(measures, Q(goals=goal) | Q(goals__parent=goal)))


def code_order(goal) -> tuple:
    """Sorts goals as a reader counts: "SC-Z2" before "SC-Z10", "SC-Z1.2" before "SC-Z1.10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", goal.code))


@dataclass
class GoalNode:
    """A goal with the sub-goals shown beneath it."""

    goal: "Goal"
    children: list


def goal_tree(goals, principle=None) -> list[GoalNode]:
    """`goals` (evaluated once) in code order, nested: each übergeordnetes Ziel with its
    strategische Ziele. With a `principle`, only the goals serving it, each with its
    übergeordnetes Ziel for context; a sub-goal whose parent is not among `goals` (a draft
    the visitor may not see) stands on the top level."""
    goals = sorted(goals, key=code_order)
    if principle is not None:
        serving = {g.pk for g in goals if principle in g.principles.all()}
        wanted = serving | {g.parent_id for g in goals if g.pk in serving}
    else:
        wanted = {g.pk for g in goals}
    present = {g.pk for g in goals}
    roots = [g for g in goals if g.pk in wanted and (g.parent_id not in present)]
    return [
        GoalNode(
            root,
            [g for g in goals if g.parent_id == root.pk and (principle is None or g.pk in serving)],
        )
        for root in roots
    ]


class GoalManager(models.Manager.from_queryset(GoalQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Goal(FullUrlMixin, models.Model):
    """An übergeordnetes or strategisches Ziel of a Teilstrategie."""

    class Kind(models.TextChoices):
        OVERARCHING = "uebergeordnet", "übergeordnetes Ziel"
        STRATEGIC = "strategisch", "strategisches Ziel"

    code = models.CharField(
        "Code",
        max_length=20,
        unique=True,
        validators=[codes.validator(codes.GOAL_CODE, "Code wie „SC-Z1“ oder „SC-Z1.2“.")],
        help_text="z. B. „SC-Z1“ oder „SC-Z1.2“.",
    )
    substrategy = models.ForeignKey(
        SubStrategy,
        on_delete=models.PROTECT,
        related_name="goals",
        verbose_name="Teilstrategie",
    )
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="übergeordnetes Ziel",
        limit_choices_to={"kind": Kind.OVERARCHING},
    )
    title = models.CharField("Ziel", max_length=200)
    description = models.TextField("Beschreibung", blank=True, help_text=MARKDOWN_HELP)
    principles = models.ManyToManyField(
        Principle, related_name="goals", blank=True, verbose_name="Leitsätze"
    )
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    is_published = models.BooleanField("veröffentlicht", default=False)
    is_example = models.BooleanField(
        "Beispielinhalt",
        default=False,
        help_text="Zur Veranschaulichung formuliert, nicht vom Rat beschlossen.",
    )

    objects = GoalManager()
    history = HistoricalRecords(m2m_fields=[principles])

    class Meta:
        ordering = ["substrategy__position", "position", "code"]
        verbose_name = "Ziel"
        verbose_name_plural = "Ziele"
        constraints = [
            # An übergeordnetes Ziel stands directly under the Leitbild; a strategisches
            # Ziel always refines one.
            models.CheckConstraint(
                condition=Q(kind="uebergeordnet", parent__isnull=True)
                | Q(kind="strategisch", parent__isnull=False),
                name="goal_parent_matches_kind",
                violation_error_message=(
                    "Ein strategisches Ziel braucht ein übergeordnetes Ziel; "
                    "ein übergeordnetes Ziel hat keines."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("strategy:goal-detail", args=[self.code])

    def is_visible_to(self, user) -> bool:
        return self.is_published or sees_drafts_of_all(user)

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.kind != Goal.Kind.OVERARCHING:
            raise ValidationError({"parent": "Das übergeordnete Ziel muss übergeordnet sein."})
        if self.substrategy_id and self.parent.substrategy_id != self.substrategy_id:
            raise ValidationError(
                {"parent": "Das übergeordnete Ziel gehört zu einer anderen Teilstrategie."}
            )


class ContentVersion(models.Model):
    """A single row whose number rises with every change to the content.

    Caches of pages and PDFs are keyed by it; as it lives in the database, every app
    server sees a change at once.
    """

    number = models.PositiveBigIntegerField("Version", default=1)
    changed_at = models.DateTimeField("geändert am", default=timezone.now)

    class Meta:
        verbose_name = "Inhaltsversion"
        verbose_name_plural = "Inhaltsversion"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="content_version_single_row"),
        ]

    def __str__(self):
        return f"Version {self.number} vom {timezone.localtime(self.changed_at):%d.%m.%Y %H:%M}"

    @classmethod
    def current(cls) -> "ContentVersion":
        version, _ = cls.objects.get_or_create(pk=1)
        return version

    @classmethod
    def number_and_time(cls) -> tuple[int, datetime.datetime]:
        """The current number and time of change in one plain query (asked by every
        request for a cached page)."""
        row = cls.objects.filter(pk=1).values_list("number", "changed_at").first()
        if row is None:
            version = cls.current()
            row = (version.number, version.changed_at)
        return row

    @classmethod
    def bump(cls) -> None:
        """Mark the content as changed; the publications renew after the commit."""
        from .signals import announce_change

        # The time rises with the number whatever the clocks of the servers say and
        # whichever transaction waited for the row: the copy of the version beside the
        # cached pages keeps the newer of two by both (iserlohn_digital/cache.py).
        updated = cls.objects.filter(pk=1).update(
            number=models.F("number") + 1,
            changed_at=Greatest(
                models.F("changed_at") + datetime.timedelta(microseconds=1),
                models.Value(timezone.now(), output_field=models.DateTimeField()),
            ),
        )
        if not updated:
            cls.objects.get_or_create(pk=1)
        announce_change()


class InfoPage(FullUrlMixin, models.Model):
    """A page the law requires (Impressum, Datenschutz, Barrierefreiheit, Leichte Sprache …),
    kept by the Redaktion in the admin."""

    class Slug(models.TextChoices):
        EASY_LANGUAGE = "leichte-sprache", "Leichte Sprache"
        SIGN_LANGUAGE = "gebaerdensprache", "Gebärdensprache"
        ACCESSIBILITY = "barrierefreiheit", "Erklärung zur Barrierefreiheit"
        REPORT_BARRIER = "barriere-melden", "Barriere melden"
        IMPRINT = "impressum", "Impressum"
        PRIVACY = "datenschutz", "Datenschutz"

    slug = models.SlugField("Seite", max_length=40, unique=True, choices=Slug.choices)
    title = models.CharField("Überschrift", max_length=120)
    body = models.TextField("Text", help_text=MARKDOWN_HELP)
    stated_on = models.DateField(
        "erstellt am",
        null=True,
        blank=True,
        help_text="Bei der Erklärung zur Barrierefreiheit: Datum der Erklärung.",
    )
    reviewed_on = models.DateField(
        "zuletzt geprüft am", null=True, blank=True, help_text="Datum der letzten Überprüfung."
    )

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = "Informationsseite"
        verbose_name_plural = "Informationsseiten"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"strategy:{self.slug}")

    def natural_key(self):
        return (self.slug,)


# A DGS video is a film of a few minutes; its captions are a small text file.
VIDEO_MAX_BYTES = 300 * 1024 * 1024
CAPTIONS_MAX_BYTES = 1024 * 1024
# The first bytes of the formats every current browser plays: MP4 ("ftyp" box) and WebM.
VIDEO_SIGNATURES = {
    "mp4": lambda head: head[4:8] == b"ftyp",
    "webm": lambda head: head[:4] == b"\x1aE\xdf\xa3",
}


def _extension(file) -> str:
    return file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""


def _stored(file) -> bool:
    """A file already in storage, checked when it was uploaded: saving the video again
    (or after its file went missing) must not read it anew."""
    return getattr(file, "_committed", False)


def validate_video_file(file):
    """An MP4 or WebM video, checked by its content, not by what the browser claims."""
    if _stored(file):
        return
    if file.size > VIDEO_MAX_BYTES:
        raise ValidationError(
            f"Das Video ist zu groß. Erlaubt sind höchstens {VIDEO_MAX_BYTES // 1024 // 1024} MB."
        )
    extension = _extension(file)
    if extension not in VIDEO_SIGNATURES:
        raise ValidationError(
            "Bitte laden Sie ein Video im Format MP4 oder WebM hoch (Dateiendung .mp4 oder .webm)."
        )
    file.seek(0)
    head = file.read(12)
    file.seek(0)
    if not VIDEO_SIGNATURES[extension](head):
        raise ValidationError(
            f"Die Datei ist kein Video im Format {extension.upper()}. Bitte prüfen Sie die Datei."
        )


def validate_captions_file(file):
    """Captions as WebVTT in UTF-8, the format the <track> element of browsers reads."""
    if _stored(file):
        return
    if file.size > CAPTIONS_MAX_BYTES:
        raise ValidationError("Die Untertitel-Datei ist zu groß. Erlaubt ist höchstens 1 MB.")
    if _extension(file) != "vtt":
        raise ValidationError(
            "Bitte laden Sie die Untertitel als WebVTT-Datei hoch (Dateiendung .vtt)."
        )
    file.seek(0)
    content = file.read(CAPTIONS_MAX_BYTES + 1)
    file.seek(0)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = ""
    if not text.startswith("WEBVTT"):
        raise ValidationError(
            "Die Datei ist keine WebVTT-Untertitel-Datei: Sie muss mit „WEBVTT“ beginnen "
            "und in UTF-8 gespeichert sein."
        )


class SignLanguageVideoQuerySet(models.QuerySet):
    def published(self):
        """What the public may see."""
        return self.filter(is_published=True)


class SignLanguageVideo(models.Model):
    """A video in Deutscher Gebärdensprache (DGS) for the page "Gebärdensprache" (BITV 2.0
    § 4): a file stored here with its captions, or a link to a video elsewhere."""

    title = models.CharField("Titel", max_length=200)
    text = models.TextField(
        "Text zum Video",
        blank=True,
        help_text="Was im Video gesagt wird, als Text für alle, die das Video nicht sehen können.",
    )
    video = models.FileField(
        "Videodatei",
        upload_to="gebaerdensprache/",
        blank=True,
        validators=[validate_video_file],
        help_text="MP4 oder WebM, höchstens 300 MB. Wird auf dieser Website gespeichert und "
        "ausgeliefert. Zusammen mit der Untertitel-Datei hochladen.",
    )
    captions = models.FileField(
        "Untertitel (WebVTT)",
        upload_to="gebaerdensprache/",
        blank=True,
        validators=[validate_captions_file],
        help_text="Die Untertitel des Videos als .vtt-Datei in UTF-8, höchstens 1 MB.",
    )
    link = models.URLField(
        "oder: Link zu einem Video",
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text="Statt einer Datei: die Adresse (https://…) eines Videos, das anderswo "
        "veröffentlicht ist, z. B. auf iserlohn.de. Wird als Link gezeigt, nicht eingebettet.",
    )
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)
    is_published = models.BooleanField(
        "veröffentlicht",
        default=False,
        help_text="Sobald ein Video veröffentlicht ist, heißt der Link oben auf jeder Seite "
        "„Gebärdensprache“ statt „Gebärdensprache (in Vorbereitung)“.",
    )

    objects = SignLanguageVideoQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "Video in Gebärdensprache"
        verbose_name_plural = "Videos in Gebärdensprache"
        constraints = [
            models.CheckConstraint(
                condition=(~Q(video="") & ~Q(captions="") & Q(link=""))
                | (Q(video="") & Q(captions="") & ~Q(link="")),
                name="sign_language_video_file_with_captions_or_link",
                violation_error_message="Bitte entweder eine Videodatei mit Untertiteln "
                "hochladen oder einen Link zu einem Video angeben, nicht beides.",
            ),
        ]

    def __str__(self):
        return self.title


class BarrierReport(models.Model):
    """A barrier reported through the feedback form (§ 10b BGG NRW)."""

    page = models.CharField("Seite (Adresse oder Titel)", max_length=500)
    description = models.TextField("Beschreibung der Barriere", max_length=5000)
    name = models.CharField("Name", max_length=200, blank=True)
    email = models.EmailField("E-Mail für Rückfragen", blank=True)
    created_at = models.DateTimeField("eingegangen am", default=timezone.now)
    handled = models.BooleanField("erledigt", default=False)
    note = models.TextField("interne Notiz", blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Meldung einer Barriere"
        verbose_name_plural = "Meldungen von Barrieren"

    def __str__(self):
        return f"{timezone.localtime(self.created_at):%d.%m.%Y %H:%M} – {self.page[:60]}"


class RateLimit(models.Model):
    """A counter of requests of one kind from one client within a time window.

    Kept in the database, not the cache: the page cache cannot push it out, and a cache
    that is away does not lift the limit. The key is a keyed hash of the client's
    address, never the address itself (iserlohn_digital.ratelimit).
    """

    key = models.CharField("Schlüssel", max_length=100, unique=True)
    count = models.PositiveIntegerField("Anzahl", default=0)
    expires_at = models.DateTimeField("läuft ab", db_index=True)

    class Meta:
        verbose_name = "Zähler der Anfragebegrenzung"
        verbose_name_plural = "Zähler der Anfragebegrenzung"

    def __str__(self):
        return self.key

import datetime
from functools import cached_property

from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from iserlohn_digital.pagecache import content_cache_key
from strategy.models import SubStrategy

from . import search
from .models import FieldOfAction, Measure, OrganisationalUnit, Status, Tag, TaggedMeasure

# The strategy was adopted in 2020: the first year a measure runs in, and of the reports.
FIRST_YEAR = 2020

SORTS = {
    "relevanz": "Relevanz",
    "code": "Code",
    "status": "Status",
    "ende": "geplantes Ende",
    "aktualisiert": "letzte Aktualisierung",
}

# Workflow order of the statuses, for sorting by status.
STATUS_ORDER = {status: position for position, status in enumerate(Status.values)}


def _period_choices():
    this_year = timezone.localdate().year
    return [("", "alle Jahre")] + [(str(y), str(y)) for y in range(FIRST_YEAR, this_year + 6)]


def _attributes(attrs) -> str:
    """HTML attributes as Django's attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select written in Python instead of one template per option: the catalogue's
    filters hold about 80 options, and their templates took a quarter of the page's time.
    It writes the same HTML as Django's select.html (tests/measures/test_forms.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        ]
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class CatalogueForm(forms.Form):
    """The catalogue's search, filters and sorting as they appear in its URL.

    Choices for Teilstrategie, Handlungsfeld, unit and tag are loaded once per request, so
    validating and rendering the form costs the same few queries whatever is filtered.
    """

    q = forms.CharField(label="Suchbegriff", max_length=200, required=False)
    teilstrategie = forms.ChoiceField(label="Teilstrategie", required=False, widget=QuickSelect)
    handlungsfeld = forms.ChoiceField(label="Handlungsfeld", required=False, widget=QuickSelect)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "alle")] + Status.choices, widget=QuickSelect
    )
    prioritaet = forms.ChoiceField(
        label="Priorität",
        required=False,
        choices=[("", "alle")] + Measure.Priority.choices,
        widget=QuickSelect,
    )
    einheit = forms.ChoiceField(label="Federführung", required=False, widget=QuickSelect)
    schlagwort = forms.ChoiceField(label="Schlagwort", required=False, widget=QuickSelect)
    zeitraum = forms.ChoiceField(label="läuft im Jahr", required=False, widget=QuickSelect)
    sortierung = forms.ChoiceField(
        label="Sortierung", required=False, choices=list(SORTS.items()), widget=QuickSelect
    )
    seite = forms.IntegerField(label="Seite", required=False, min_value=1)

    PAGE_SIZE = 20

    FILTERS = [
        "teilstrategie",
        "handlungsfeld",
        "status",
        "prioritaet",
        "einheit",
        "schlagwort",
        "zeitraum",
    ]

    def __init__(self, data, *, fields_of_action, units, tags, substrategies):
        super().__init__(data)
        self.lookup = {
            "teilstrategie": {s.slug: s for s in substrategies},
            "handlungsfeld": {f.slug: f for f in fields_of_action},
            "einheit": {u.slug: u for u in units},
            "schlagwort": {t.slug: t for t in tags},
        }
        self.fields["teilstrategie"].choices = [("", "alle")] + [
            (s.slug, s.name) for s in substrategies
        ]
        self.fields["handlungsfeld"].choices = [("", "alle")] + [
            (
                s.name,
                [
                    (f.slug, f"{f.code} {f.name}")
                    for f in fields_of_action
                    if f.substrategy_id == s.pk
                ],
            )
            for s in substrategies
        ]
        self.fields["einheit"].choices = [("", "alle")] + [(u.slug, u.name) for u in units]
        self.fields["schlagwort"].choices = [("", "alle")] + [(t.slug, t.name) for t in tags]
        self.fields["zeitraum"].choices = _period_choices()

    @classmethod
    def for_request(cls, data):
        """The form for a request's parameters, validated: invalid fields are left out of
        `cleaned_data` and reported by `notices()`."""
        form = cls(data, **_choices())
        form.is_valid()
        return form

    @property
    def choice_fields(self):
        """The filters and the sorting, as the form shows them beside the search box (the
        page is chosen by the links below the list)."""
        return [self[name] for name in [*self.FILTERS, "sortierung"]]

    @property
    def search_term(self) -> str:
        return self.cleaned_data.get("q", "")

    @cached_property
    def parsed_query(self) -> search.Query:
        """The search term with its words' synonyms, read once per request."""
        return search.parse(self.search_term)

    @property
    def default_sort(self) -> str:
        return "relevanz" if self.search_term else "code"

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_sortierung(self):
        sort = self.cleaned_data["sortierung"]
        if sort == "relevanz" and not self.search_term:
            return "code"
        return sort or self.default_sort

    def select(self, measures):
        """The measures of the catalogue's list, from `measures`: search, filters and
        sorting of the valid fields applied."""
        data = self.cleaned_data
        measures = measures.listing()
        chosen = {name: self.lookup[name][data[name]] for name in self.lookup if data.get(name)}
        if "teilstrategie" in chosen:
            measures = measures.in_substrategy(chosen["teilstrategie"])
        if "handlungsfeld" in chosen:
            measures = measures.in_field(chosen["handlungsfeld"])
        if "einheit" in chosen:
            measures = measures.led_by(chosen["einheit"])
        if "schlagwort" in chosen:
            measures = measures.tagged(chosen["schlagwort"])
        if data.get("status"):
            measures = measures.filter(status=data["status"])
        if data.get("prioritaet"):
            measures = measures.filter(priority=data["prioritaet"])
        if data.get("zeitraum"):
            year = int(data["zeitraum"])
            measures = measures.running_in(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        return self._sort(measures.search(self.parsed_query), data.get("sortierung") or "code")

    @staticmethod
    def _sort(measures, sort):
        if sort == "relevanz":
            return measures.order_by("-relevance", "code")
        if sort == "status":
            order = Case(
                *[When(status=s, then=Value(p)) for s, p in STATUS_ORDER.items()],
                output_field=IntegerField(),
            )
            return measures.order_by(order, "code")
        if sort == "ende":
            return measures.order_by("end_date", "code")
        if sort == "aktualisiert":
            return measures.order_by(F("last_update_on").desc(nulls_last=True), "code")
        return measures.order_by("code")

    def page(self, measures):
        """The requested page of the selected measures (the last if there are fewer)."""
        return Paginator(self.select(measures), self.PAGE_SIZE).get_page(
            self.cleaned_data.get("seite")
        )

    def notices(self, page=None):
        """German notices for the parameters that were ignored or corrected."""
        messages = []
        for key in sorted(set(self.data) - set(self.fields)):
            messages.append(f"Der unbekannte Parameter „{key}“ wurde ignoriert.")
        for name in self.errors:
            if name == "seite":
                messages.append("Die Seitenzahl ist ungültig; angezeigt wird Seite 1.")
                continue
            label = self.fields[name].label
            messages.append(f"Der Wert für „{label}“ ist ungültig und wurde ignoriert.")
        asked = self.cleaned_data.get("seite")
        if page is not None and asked and asked != page.number:
            messages.append(
                f"Seite {asked} gibt es nicht; angezeigt wird die letzte Seite {page.number}."
            )
        return messages

    def query(self) -> QueryDict:
        """The valid parameters but the page, without defaults: for links from the list."""
        params = QueryDict(mutable=True)
        defaults = {"seite": self.cleaned_data.get("seite"), "sortierung": self.default_sort}
        for name, value in self.cleaned_data.items():
            if value and value != defaults.get(name):
                params[name] = value
        return params

    def active_filters(self):
        """(label, shown value) of each filter in use, for the result summary."""
        result = []
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value:
                result.append((self.fields[name].label, _flat(self.fields[name].choices)[value]))
        return result

    def removable_filters(self) -> list[dict]:
        """The search term and each filter in use, each with the parameters of the list
        without it (`query`): for the links that remove one filter at a time."""
        chips = []
        if self.search_term:
            chips.append({"name": "q", "label": "Suche", "value": f"„{self.search_term}“"})
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value:
                shown = _flat(self.fields[name].choices)[value]
                chips.append({"name": name, "label": self.fields[name].label, "value": shown})
        for chip in chips:
            chip["query"] = self.query()
            chip["query"].pop(chip["name"])
        return chips


def _flat(choices):
    flat = {}
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.update(label)
        else:
            flat[key] = label
    return flat


def quarter_ends(until: datetime.date) -> list[datetime.date]:
    """The last days of the quarters up to `until`, newest first, from the last day
    before 2020 (the start of the first report's span) on."""
    ends = []
    for year in range(until.year, FIRST_YEAR - 1, -1):
        for month, day in ((12, 31), (9, 30), (6, 30), (3, 31)):
            end = datetime.date(year, month, day)
            if end <= until:
                ends.append(end)
    start = datetime.date(FIRST_YEAR - 1, 12, 31)
    return ends + [start] if start <= until else ends


class ReportForm(forms.Form):
    """Parameters of the Sachstandsbericht: the Stichtag (today or the end of a quarter,
    as the council's reports are) and the end of the quarter changes are listed from.

    Only these dates are accepted, so the reports anyone can ask for are a few hundred,
    not one per pair of days.
    """

    stichtag = forms.DateField(
        label="Stichtag",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Bitte ein Datum im Format JJJJ-MM-TT angeben."},
    )
    seit = forms.DateField(
        label="Änderungen seit",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Bitte ein Datum im Format JJJJ-MM-TT angeben."},
    )

    @staticmethod
    def default_since(as_of):
        """The end of the quarter before the Stichtag: the span since the last report."""
        return quarter_ends(as_of - datetime.timedelta(days=1))[0]

    def clean_stichtag(self):
        today = timezone.localdate()
        as_of = self.cleaned_data["stichtag"] or today
        if as_of > today:
            raise forms.ValidationError("Der Stichtag darf nicht in der Zukunft liegen.")
        if as_of.year < FIRST_YEAR:
            raise forms.ValidationError(
                "Die Strategie gibt es seit 2020; bitte einen späteren Stichtag wählen."
            )
        if as_of != today and as_of not in quarter_ends(today):
            raise forms.ValidationError(
                "Bitte den heutigen Tag oder das Ende eines Quartals wählen (31.03., 30.06., "
                "30.09. oder 31.12.)."
            )
        return as_of

    def clean(self):
        data = super().clean()
        as_of = data.get("stichtag")
        if as_of and not self.errors.get("seit"):
            since = data.get("seit") or self.default_since(as_of)
            if since >= as_of:
                self.add_error("seit", "„Änderungen seit“ muss vor dem Stichtag liegen.")
            elif since not in quarter_ends(as_of):
                self.add_error(
                    "seit",
                    "Bitte das Ende eines Quartals ab dem 31.12.2019 wählen (31.03., 30.06., "
                    "30.09. oder 31.12.).",
                )
            data["seit"] = since
        return data


def _choices() -> dict:
    """What the filters offer: only what published measures use. Asked by every catalogue
    request, so kept in the cache per content version."""
    key = content_cache_key("catalogue-choices")
    choices = cache.get(key)
    if choices is None:
        published = Measure.objects.published()
        choices = {
            "substrategies": list(SubStrategy.objects.all()),
            "fields_of_action": list(FieldOfAction.objects.published()),
            "units": list(
                OrganisationalUnit.objects.filter(
                    Exists(published.filter(lead_unit=OuterRef("pk")))
                ).order_by("name")
            ),
            "tags": Tag.in_german_order(
                Tag.objects.filter(
                    Exists(
                        TaggedMeasure.objects.filter(
                            tag=OuterRef("pk"), content_object__in=published
                        )
                    )
                )
            ),
        }
        cache.set(key, choices, 60 * 60 * 24)
    return choices

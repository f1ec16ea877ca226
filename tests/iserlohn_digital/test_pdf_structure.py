"""The structure tree of every PDF passes the checks of an accessibility audit (PDF/UA-1):
nothing orphaned, valid lists, no skipped heading levels, every link under a Link element
with a description, running headers, footers and leader dots as artifacts, a table split
over pages one table. See iserlohn_digital/pdf_structure.py for what is corrected."""

import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pikepdf
import pytest
from django.core.management import call_command
from django.utils import timezone

from iserlohn_digital.pdf import render_pdf
from iserlohn_digital.pdf_structure import (
    WEASYPRINT_RECORDED_VERSION,
    _recording_build_box_tree,
    patch_weasyprint_tags,
)
from measures import publications
from measures.models import Measure
from tests.conftest import shared_by_class

pytestmark = pytest.mark.django_db

HEADING = re.compile(r"/H([1-6])$")
PAGE_NUMBER = re.compile(r"Seite \d+ von \d+")


@dataclass
class Audit:
    """What `audit` found in a PDF: one entry per problem, per rule."""

    orphaned: list = field(default_factory=list)
    unmapped_content: list = field(default_factory=list)
    lists: list = field(default_factory=list)
    heading_skips: list = field(default_factory=list)
    links: list = field(default_factory=list)
    tagged_pagination: list = field(default_factory=list)
    tagged_leaders: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    headings: list = field(default_factory=list)
    table_count: int = 0
    link_count: int = 0
    artifact_text: dict = field(default_factory=dict)


def _kids(obj):
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj):
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _to_unicode(font):
    """Code -> text of a Type0 font (Identity-H, two-byte codes), from its ToUnicode."""
    table = {}
    if "/ToUnicode" not in font:
        return table
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(
            r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            first = int(text, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                table[code] = chr(first + offset)
    return table


def _decode(raw: bytes, table):
    return "".join(table.get(int.from_bytes(raw[i : i + 2]), "") for i in range(0, len(raw), 2))


def page_content(page, tables):
    """The text of each marked-content sequence with an MCID (MCID -> text), the MCIDs
    inside artifacts, and the text of all artifacts of the page."""
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    tagged, artifact_text = defaultdict(str), []
    seen = set()
    stack, table = [], {}
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, str(instruction.operator)
        if operator in ("BDC", "BMC"):
            mcid = None
            if operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            if mcid is not None:
                seen.add(int(mcid))
                tagged[int(mcid)] += ""
        elif operator == "EMC":
            stack.pop()
        elif operator == "Tf":
            font = fonts[operands[0]]
            key = font.objgen
            if key not in tables:
                tables[key] = _to_unicode(font)
            table = tables[key]
        elif operator in ("Tj", "TJ"):
            strings = operands[0] if operator == "TJ" else [operands[0]]
            text = "".join(
                _decode(bytes(part), table) for part in strings if isinstance(part, pikepdf.String)
            )
            if any(tag == "/Artifact" for tag, _ in stack):
                artifact_text.append(text)
            else:
                mcids = [mcid for _, mcid in stack if mcid is not None]
                tagged[mcids[-1] if mcids else None] += text
    return tagged, "".join(artifact_text)


def audit(data: bytes) -> Audit:
    """Opens a PDF with pikepdf, walks its structure tree and the content of its pages,
    and lists what breaks the rules."""
    result = Audit()
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root.StructTreeRoot
    page_index = {page.objgen: number for number, page in enumerate(pdf.pages)}

    # The tree in document order; every element and its MCIDs.
    order, reachable, owned = [], set(), {}

    def walk(element):
        order.append(element)
        reachable.add(element.objgen)
        for kid in _kids(element):
            if _is_element(kid):
                if kid.get("/P") is None or kid.P.objgen != element.objgen:
                    result.orphaned.append(f"{kid.S} with a wrong /P")
                walk(kid)
            elif isinstance(kid, int):
                owned[(page_index[element.Pg.objgen], kid)] = element
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                owned[(page_index[kid.Pg.objgen], int(kid.MCID))] = element

    for kid in _kids(root):
        walk(kid)
    for obj in pdf.objects:
        if (
            isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == "/StructElem"
            and obj.objgen not in reachable
        ):
            result.orphaned.append(f"{obj.get('/S')} not reachable from the root")

    # ParentTree against the content of every page.
    nums = {}

    def collect(node):
        entries = node.get("/Nums", [])
        for position in range(0, len(entries), 2):
            nums[int(entries[position])] = entries[position + 1]
        for kid in node.get("/Kids", []):
            collect(kid)

    collect(root.ParentTree)
    tables, texts = {}, {}
    for number, page in enumerate(pdf.pages):
        tagged, artifact_text = page_content(page, tables)
        result.artifact_text[number] = artifact_text
        mapping = nums.get(int(page.obj.StructParents)) if "/StructParents" in page.obj else None
        for mcid, text in tagged.items():
            if mcid is None:
                if text.strip():
                    result.unmapped_content.append(f"page {number + 1}: untagged {text!r}")
                continue
            texts[(number, mcid)] = text
            element = mapping[mcid] if mapping is not None and mcid < len(mapping) else None
            if not _is_element(element):
                result.orphaned.append(f"page {number + 1}: MCID {mcid} without parent")
            elif element.objgen not in reachable:
                result.orphaned.append(f"page {number + 1}: MCID {mcid} of an orphan")
            elif (number, mcid) not in owned or owned[(number, mcid)].objgen != element.objgen:
                result.orphaned.append(f"page {number + 1}: MCID {mcid} not in its parent's /K")
            if PAGE_NUMBER.fullmatch(text.strip()):
                result.tagged_pagination.append(f"page {number + 1}: {text!r}")
            if text.strip() and not text.strip(". "):
                result.tagged_leaders.append(f"page {number + 1}: {text!r}")
    for number, mcid in owned:
        if (number, mcid) not in texts:
            result.unmapped_content.append(f"page {number + 1}: MCID {mcid} not in the content")

    def text_of(element):
        parts = []
        for kid in _kids(element):
            if _is_element(kid):
                parts.append(text_of(kid))
            elif isinstance(kid, int):
                parts.append(texts.get((page_index[element.Pg.objgen], kid), ""))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                parts.append(texts.get((page_index[kid.Pg.objgen], int(kid.MCID)), ""))
        return "".join(parts)

    # Lists, headings, tables.
    level = 0
    for element in order:
        name = str(element.S)
        kids = [str(kid.S) for kid in _kids(element) if _is_element(kid)]
        parent = str(element.P.get("/S")) if "/P" in element else None
        if name == "/L" and set(kids) - {"/LI", "/Caption"}:
            result.lists.append(f"L with {sorted(set(kids) - {'/LI', '/Caption'})}")
        if name == "/LI" and parent != "/L":
            result.lists.append(f"LI in {parent}")
        if name == "/LI" and set(kids) - {"/Lbl", "/LBody"}:
            result.lists.append(f"LI with {sorted(set(kids) - {'/Lbl', '/LBody'})}")
        if name in ("/Lbl", "/LBody") and parent != "/LI":
            result.lists.append(f"{name} in {parent}")
        if match := HEADING.match(name):
            result.headings.append(int(match[1]))
            if int(match[1]) > level + 1:
                result.heading_skips.append(f"H{level} to {name[1:]}: {text_of(element)!r}")
            level = int(match[1])
        if name == "/Table":
            result.table_count += 1
            if not {"/TR", "/THead", "/TBody", "/TFoot"} & set(kids):
                result.tables.append(f"Table without rows: {text_of(element)!r}")
            if kids.count("/THead") > 1 or kids.count("/TBody") > 1:
                result.tables.append(f"Table with {kids}")
    header_ids = {bytes(e.ID) for e in order if str(e.S) == "/TH" and "/ID" in e}
    for element in order:
        attributes = element.get("/A")
        if str(element.S) == "/TD" and isinstance(attributes, pikepdf.Dictionary):
            for header in attributes.get("/Headers", []):
                if bytes(header) not in header_ids:
                    result.tables.append(f"cell refers to a missing header {bytes(header)!r}")
    for first, second in zip(order, order[1:], strict=False):
        # A table continued on the next page, as a second table right after the first.
        if str(first.S) == "/Table" and str(second.S) == "/Table" and second.P == first.P:
            result.tables.append("two tables in a row")

    # Link annotations.
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            result.link_count += 1
            parent = annotation.get("/StructParent")
            element = nums.get(int(parent)) if parent is not None else None
            where = f"page {number + 1}"
            if not _is_element(element) or str(element.S) != "/Link":
                result.links.append(f"{where}: annotation under {element and element.get('/S')}")
                continue
            if element.objgen not in reachable:
                result.links.append(f"{where}: annotation under an orphaned Link")
            if not any(
                isinstance(kid, pikepdf.Dictionary)
                and kid.get("/Type") == "/OBJR"
                and kid.Obj.objgen == annotation.objgen
                for kid in _kids(element)
            ):
                result.links.append(f"{where}: annotation not among its Link's /K")
            description = " ".join(
                str(annotation.get("/Contents", element.get("/Alt", ""))).split()
            )
            # Line-end hyphens of the German hyphenation (U+2010) are not part of the text.
            visible = "".join(text_of(element).replace("\u2010", "").split())
            if not description:
                result.links.append(f"{where}: link without description")
            elif "/Dest" in annotation and description == str(annotation.Dest):
                result.links.append(f"{where}: link described by its target {description!r}")
            elif "".join(description.split()) not in visible:
                result.links.append(f"{where}: {description!r} is not the visible {visible!r}")
    return result


def rules_broken(result: Audit):
    return {
        rule: problems
        for rule, problems in vars(result).items()
        if isinstance(problems, list) and rule != "headings" and problems
    }


def seed():
    call_command("load_seed", verbosity=0)


def render_all():
    """Every kind of PDF, with the seed data: (kind, bytes)."""
    from django.contrib.auth import get_user_model

    from reports import freezing

    seed()
    today = timezone.localdate()
    since = today - datetime.timedelta(days=90)
    sheet_measure = max(
        publications.measure_sheet_measures(),
        key=lambda m: len(m.indicators.all()) + len(m.milestones.all()),
    )
    kinds = {
        "kurzbroschuere": (publications.BROCHURE, publications.brochure_context()),
        "strategie": (publications.STRATEGY, publications.strategy_context()),
        "sachstandsbericht": (publications.REPORT, publications.report_context(today, since)),
        "steckbrief": (
            publications.MEASURE_SHEET,
            publications.measure_sheet_context(sheet_measure),
        ),
        "liste": (
            publications.LIST,
            publications.list_context(Measure.objects.published(), [], ""),
        ),
    }
    pdfs = {
        kind: render_pdf(
            publication.template,
            publications._full_context(publication, context, None),
            wait=True,
        )
        for kind, (publication, context) in kinds.items()
    }
    user = get_user_model().objects.create_user("redaktion-struktur")
    report = freezing.freeze_report(
        as_of=today - datetime.timedelta(days=1), since=since, title="Bericht", user=user
    )
    with report.pdf.open("rb") as file:
        pdfs["eingefrorener-bericht"] = file.read()
    return {kind: audit(data) for kind, data in pdfs.items()}


KINDS = [
    "kurzbroschuere",
    "strategie",
    "sachstandsbericht",
    "steckbrief",
    "liste",
    "eingefrorener-bericht",
]


@pytest.fixture(scope="class")
def audits(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, render_all)


each_kind = pytest.mark.parametrize("kind", KINDS)


class TestEveryKindWithTheSeedData:
    @each_kind
    def test_no_orphaned_elements_and_every_mcid_in_the_tree(self, db, audits, kind):
        assert audits[kind].orphaned == []
        assert audits[kind].unmapped_content == []

    @each_kind
    def test_lists_are_l_li_lbl_lbody(self, db, audits, kind):
        assert audits[kind].lists == []

    @each_kind
    def test_heading_levels_never_skip(self, db, audits, kind):
        assert audits[kind].headings[0] == 1
        assert audits[kind].heading_skips == []

    @each_kind
    def test_every_link_annotation_is_under_a_described_link_element(self, db, audits, kind):
        assert audits[kind].links == []

    @each_kind
    def test_running_headers_footers_and_leader_dots_are_artifacts(self, db, audits, kind):
        result = audits[kind]
        assert result.tagged_pagination == []
        assert result.tagged_leaders == []
        # The footer of the second page (the first after the cover) is there, as artifact.
        assert PAGE_NUMBER.search(result.artifact_text[1])

    @each_kind
    def test_tables_are_whole(self, db, audits, kind):
        assert audits[kind].tables == []

    def test_the_seed_data_gives_the_rules_material(self, db, audits):
        assert audits["strategie"].link_count > 100
        assert audits["kurzbroschuere"].table_count > 5
        assert audits["steckbrief"].headings.count(2) >= 2

    def test_the_list_over_several_pages_is_one_table(self, db, audits):
        assert len(audits["liste"].artifact_text) > 2
        assert audits["liste"].table_count == 1


def render_large_strategy():
    seed()
    call_command("generate_measures", "60", verbosity=0)
    data = render_pdf(
        publications.STRATEGY.template,
        publications._full_context(publications.STRATEGY, publications.strategy_context(), None),
        wait=True,
    )
    return audit(data)


@pytest.fixture(scope="class")
def large_strategy(request, django_db_setup, django_db_blocker):
    yield from shared_by_class(request, django_db_blocker, render_large_strategy)


class TestTheStrategyWithManyMeasures:
    """Tables, lists and Steckbriefe split over pages, a table of contents over pages."""

    def test_no_rule_is_broken(self, db, large_strategy):
        assert rules_broken(large_strategy) == {}
        assert large_strategy.link_count > 100


def test_the_recording_is_installed_at_startup():
    from weasyprint.pdf import tags

    assert tags._build_box_tree is _recording_build_box_tree


def test_the_recording_refuses_another_weasyprint(monkeypatch):
    import weasyprint
    from django.core.exceptions import ImproperlyConfigured
    from weasyprint.pdf import tags

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    installed = tags._build_box_tree
    with pytest.raises(ImproperlyConfigured, match=WEASYPRINT_RECORDED_VERSION):
        patch_weasyprint_tags()
    assert tags._build_box_tree is installed

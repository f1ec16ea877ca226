"""Corrections to the structure tree ("tags") WeasyPrint writes into a PDF/UA-1 document.

WeasyPrint 70 builds the structure tree one page at a time (`weasyprint.pdf.tags`), and
that shows in an audit:

- the running headers, footers and page numbers (the @page margin boxes) are marked as
  content and get structure elements that are linked to no parent (orphaned);
- every element that continues on the next page becomes a second element: a table split
  over two pages is two tables (the first sometimes only its caption), a list two lists;
- a `<dl>` becomes one list item per `<dt>` and per `<dd>`, and `<div>` groups in it
  become `Div` elements between the list and its items;
- links get one annotation per box, some under the `Span` of an element inside the link,
  some under nested `Link` elements of the link's pseudo-elements, each described by its
  target (an id such as "m-sc-11") instead of its text;
- the dots of a `leader()` (the table of contents) are content, one element per dot.

`record_boxes` watches WeasyPrint build the tree and notes, for every structure element
it creates, the HTML element and kind of box behind it; `fix_structure` then rewrites the
written PDF with pikepdf from these notes. Nothing of WeasyPrint's own output is patched:
see "Patched third-party behaviour" in README.md.
"""

import contextlib
import contextvars
import io
import re
from dataclasses import dataclass

import pikepdf
import weasyprint
from django.core.exceptions import ImproperlyConfigured
from weasyprint.pdf import tags as weasyprint_tags

# The only WeasyPrint release `record_boxes` was written for and tested against
# (tests/iserlohn_digital/test_pdf_structure.py); pyproject.toml pins WeasyPrint to it.
WEASYPRINT_RECORDED_VERSION = "70.0"


@dataclass(frozen=True)
class Origin:
    """Where a structure element comes from: `key` is the same for all boxes of one HTML
    element (a box split over pages, its anonymous boxes); `tag` is the box's element tag
    ("dt", "a::after", …); `leader` marks the box of a `leader()`; `text` is a link's text."""

    key: int
    tag: str | None
    leader: bool
    text: str


_origins: contextvars.ContextVar[dict[int, Origin] | None] = contextvars.ContextVar(
    "pdf_structure_origins", default=None
)
_build_box_tree = weasyprint_tags._build_box_tree


def _recording_build_box_tree(box, parent, pdf, *args):
    origins = _origins.get()
    for element in _build_box_tree(box, parent, pdf, *args):
        if origins is not None and element.number not in origins:
            html = getattr(box, "element", None)
            tag = getattr(box, "element_tag", None)
            text = ""
            if tag == "a" and html is not None:
                text = " ".join("".join(html.itertext()).split())
            origins[element.number] = Origin(
                id(html) if html is not None else 0, tag, bool(box.is_leader), text
            )
        yield element


def patch_weasyprint_tags():
    """Let `record_boxes` see WeasyPrint build the structure tree: replaces
    `weasyprint.pdf.tags._build_box_tree` with a wrapper that yields exactly what the
    original yields and only notes the box of each element. Called once at startup, from
    `iserlohn_digital.apps.PortalConfig.ready`; calling it again changes nothing.

    Refuses any WeasyPrint other than WEASYPRINT_RECORDED_VERSION with
    ImproperlyConfigured, before touching it: `fix_structure` relies on how that release
    builds the tree.
    """
    if weasyprint.__version__ != WEASYPRINT_RECORDED_VERSION:
        raise ImproperlyConfigured(
            f"WeasyPrint {weasyprint.__version__} is installed, but "
            "iserlohn_digital.pdf_structure was written for WeasyPrint "
            f"{WEASYPRINT_RECORDED_VERSION}. Install the version pinned in pyproject.toml, "
            "or check weasyprint/pdf/tags.py of the new version against fix_structure, run "
            "tests/iserlohn_digital/test_pdf_structure.py and update "
            "WEASYPRINT_RECORDED_VERSION and the pin."
        )
    weasyprint_tags._build_box_tree = _recording_build_box_tree


@contextlib.contextmanager
def record_boxes():
    """Collects the origin of each structure element WeasyPrint creates inside the block
    (a dict of object number to Origin)."""
    origins = {}
    token = _origins.set(origins)
    try:
        yield origins
    finally:
        _origins.reset(token)


def _kids(element):
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(obj):
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _name(element):
    return str(element.get("/S"))


class _Fixer:
    def __init__(self, pdf: pikepdf.Pdf, origins: dict[int, Origin]):
        self.pdf = pdf
        self.origins = origins
        self.root = pdf.Root.StructTreeRoot
        self.page_of = {page.objgen: index for index, page in enumerate(pdf.pages)}
        # ParentTree: MCIDs of each page (page index -> array) and annotations.
        self.page_mcids = {}
        self.annotation_parents = {}
        nums = self.root.ParentTree.Nums
        keys = {
            int(page.obj.StructParents): index
            for index, page in enumerate(pdf.pages)
            if "/StructParents" in page.obj
        }
        for position in range(0, len(nums), 2):
            key, value = int(nums[position]), nums[position + 1]
            if key in keys:
                self.page_mcids[keys[key]] = value
            else:
                self.annotation_parents[key] = position + 1
        # MCIDs that become artifacts, per page index.
        self.artifacts: dict[int, dict[int, str]] = {}

    # Helpers

    def origin(self, element):
        return self.origins.get(element.objgen[0])

    def set_kids(self, element, kids):
        element.K = pikepdf.Array(kids)

    def mark_artifact(self, page_index, mcid, kind="/Layout"):
        self.artifacts.setdefault(page_index, {})[mcid] = kind
        mapping = self.page_mcids.get(page_index)
        if mapping is not None and mcid < len(mapping):
            mapping[mcid] = None

    def artifact_subtree(self, element):
        """Turns everything marked inside `element` into artifacts."""
        page = self.page_of.get(element.Pg.objgen) if "/Pg" in element else None
        for kid in _kids(element):
            if isinstance(kid, int):
                self.mark_artifact(page, kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                self.mark_artifact(self.page_of[kid.Pg.objgen], int(kid.MCID))
            elif _is_element(kid):
                self.artifact_subtree(kid)

    def adopt(self, target, kids, source):
        """Appends `kids` (of `source`) to `target`: marked content as a reference to its
        page, elements with their parent and the ParentTree updated."""
        moved = []
        for kid in kids:
            if isinstance(kid, int):
                page = self.page_of[source.Pg.objgen]
                if "/Pg" in target and target.Pg.objgen == source.Pg.objgen:
                    moved.append(kid)
                else:
                    moved.append(
                        self.pdf.make_indirect(
                            pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=source.Pg, MCID=kid)
                        )
                    )
                self.page_mcids[page][kid] = target
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                self.page_mcids[self.page_of[kid.Pg.objgen]][int(kid.MCID)] = target
                moved.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                parent = kid.Obj.get("/StructParent")
                if parent is not None:
                    self.root.ParentTree.Nums[self.annotation_parents[int(parent)]] = target
                moved.append(kid)
            else:
                if _is_element(kid):
                    kid.P = target
                moved.append(kid)
        return moved

    # Pages: one element per HTML element

    def same_element(self, first, second):
        """Whether `first` and `second`, neighbours, are boxes of one HTML element on two
        pages, or two lines of one link."""
        if not (_is_element(first) and _is_element(second)):
            return False
        a, b = self.origin(first), self.origin(second)
        if not (a and b and a.key and a.key == b.key and a.tag == b.tag):
            return False
        if _name(first) != _name(second) or "/Pg" not in first or "/Pg" not in second:
            return False
        return _name(first) == "/Link" or first.Pg.objgen != second.Pg.objgen

    def join_pages(self, element):
        """Merges neighbouring children that are parts of one HTML element on successive
        pages, recursively."""
        kids = _kids(element)
        joined = []
        for kid in kids:
            if joined and self.same_element(joined[-1], kid):
                previous = joined[-1]
                self.set_kids(previous, _kids(previous) + self.adopt(previous, _kids(kid), kid))
            else:
                joined.append(kid)
        if len(joined) != len(kids):
            self.set_kids(element, joined)
        for kid in joined:
            if _is_element(kid):
                self.join_pages(kid)

    def same_origin(self, first, second):
        a, b = self.origin(first), self.origin(second)
        return bool(_is_element(first) and a and b and a.key and a.key == b.key)

    # Tables: one header

    def fix_table(self, table):
        kids = _kids(table)
        heads = {}
        result = []
        for kid in kids:
            if _is_element(kid) and _name(kid) == "/THead":
                origin = self.origin(kid)
                key = origin.key if origin else None
                if key in heads:
                    self.drop_repeated_head(heads[key], kid, table)
                    continue
                heads[key] = kid
            if result and _is_element(kid) and _name(kid) == "/TBody":
                previous = result[-1]
                if (
                    _is_element(previous)
                    and _name(previous) == "/TBody"
                    and self.origin(previous)
                    and self.origin(previous) == self.origin(kid)
                ):
                    self.set_kids(previous, _kids(previous) + self.adopt(previous, _kids(kid), kid))
                    self.join_pages(previous)
                    continue
            result.append(kid)
        if len(result) != len(kids):
            self.set_kids(table, result)

    def drop_repeated_head(self, kept, repeated, table):
        """The header rows repeated on a following page are artifacts; the cells below
        them refer to the headers of the first page."""
        ids = {}
        kept_cells = [cell for cell in self.walk(kept) if _name(cell) == "/TH"]
        repeated_cells = [cell for cell in self.walk(repeated) if _name(cell) == "/TH"]
        for old, new in zip(repeated_cells, kept_cells, strict=False):
            if "/ID" in old and "/ID" in new:
                ids[bytes(old.ID)] = new.ID
        self.artifact_subtree(repeated)
        for cell in self.walk(table):
            attributes = cell.get("/A")
            if _name(cell) == "/TD" and isinstance(attributes, pikepdf.Dictionary):
                headers = attributes.get("/Headers")
                if headers is not None:
                    attributes.Headers = pikepdf.Array(
                        [ids.get(bytes(header), header) for header in headers]
                    )

    def walk(self, element):
        yield element
        for kid in _kids(element):
            if _is_element(kid):
                yield from self.walk(kid)

    # Lists: L > LI > Lbl/LBody

    def fix_list(self, lst):
        kids = []
        for kid in _kids(lst):
            # The columns of a list set in columns (`columns: 2`): boxes of the same element
            if self.same_origin(kid, lst) and _name(kid) == "/L":
                kids.extend(self.adopt(lst, _kids(kid), kid))
            else:
                kids.append(kid)
        items = []
        for kid in kids:
            # <div> groups of a <dl>
            if (
                _is_element(kid)
                and _name(kid) in ("/Div", "/NonStruct")
                and all(_is_element(k) and _name(k) == "/LI" for k in _kids(kid))
            ):
                items.extend(_kids(kid))
            else:
                items.append(kid)
        result = []
        current = None  # the LI of the last <dt>
        for item in items:
            origin = self.origin(item) if _is_element(item) else None
            tag = origin.tag if origin else None
            if tag == "dt" and _name(item) == "/LI":
                item.P = lst
                bodies = [k for k in _kids(item) if _is_element(k)]
                for body in bodies:
                    if _name(body) == "/LBody":
                        body.S = pikepdf.Name.Lbl
                current = item
                result.append(item)
            elif tag == "dd" and _name(item) == "/LI" and current is not None:
                body = next(
                    (k for k in _kids(current) if _is_element(k) and _name(k) == "/LBody"), None
                )
                contents = [k for k in _kids(item) if _is_element(k) and _name(k) == "/LBody"]
                for part in contents:
                    if body is None:
                        part.P = current
                        self.set_kids(current, [*_kids(current), part])
                        body = part
                    else:
                        self.set_kids(body, _kids(body) + self.adopt(body, _kids(part), part))
            elif (
                _is_element(item)
                and _name(item) == "/L"
                and result
                and _is_element(result[-1])
                and _name(result[-1]) == "/LI"
            ):
                # WeasyPrint lifts a list nested in an <li> up next to it; it belongs
                # into the item's body.
                self.append_to_body(result[-1], item)
            else:
                if _is_element(item):
                    item.P = lst
                current = None
                result.append(item)
        self.set_kids(lst, result)

    def append_to_body(self, item, element):
        body = next((k for k in _kids(item) if _is_element(k) and _name(k) == "/LBody"), None)
        if body is None:
            body = self.pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.LBody,
                    P=item,
                    Pg=element.Pg,
                    K=pikepdf.Array(),
                )
            )
            self.set_kids(item, [*_kids(item), body])
        element.P = body
        self.set_kids(body, [*_kids(body), element])

    # Links: one Link element per link, described by its text

    def fix_link(self, link):
        """`link` is the outermost Link element of an <a>: the annotations of elements
        inside it move up to it, those elements become Spans, leader dots artifacts."""
        for kid in _kids(link):
            if _is_element(kid):
                self.flatten_into(link, kid)
        origin = self.origin(link)
        if origin and origin.text:
            for kid in _kids(link):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    kid.Obj.Contents = pikepdf.String(origin.text)

    def flatten_into(self, link, element):
        origin = self.origin(element)
        if origin is not None and origin.leader:
            for kid in _kids(element):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    self.set_kids(link, _kids(link) + self.adopt(link, [kid], element))
            self.artifact_subtree(element)
            self.set_kids(
                element.P,
                [
                    k
                    for k in _kids(element.P)
                    if not (_is_element(k) and k.objgen == element.objgen)
                ],
            )
            return
        remaining = []
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                self.set_kids(link, _kids(link) + self.adopt(link, [kid], element))
            else:
                remaining.append(kid)
        if _name(element) == "/Link":
            element.S = pikepdf.Name.Span
        self.set_kids(element, remaining)
        for kid in list(remaining):
            if _is_element(kid):
                self.flatten_into(link, kid)

    # The whole tree

    def reachable(self):
        seen = set()
        stack = [kid for kid in _kids(self.root) if _is_element(kid)]
        while stack:
            element = stack.pop()
            seen.add(element.objgen)
            stack.extend(kid for kid in _kids(element) if _is_element(kid))
        return seen

    def run(self):
        # Margin boxes: marked content whose element is not in the tree.
        reachable = self.reachable()
        for page, mapping in self.page_mcids.items():
            for mcid, element in enumerate(mapping):
                if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable:
                    self.mark_artifact(page, mcid, "/Pagination")
        for top in _kids(self.root):
            if _is_element(top):
                self.join_pages(top)
        for top in _kids(self.root):
            if _is_element(top):
                self.fix_tables_and_lists(top)
        for element in list(self.walk_all()):
            if _name(element) == "/Link" and not self.inside_link(element):
                self.fix_link(element)
        self.rewrite_content()

    def fix_tables_and_lists(self, element):
        name = _name(element)
        if name == "/Table":
            self.fix_table(element)
        elif name == "/L":
            self.fix_list(element)
        for kid in _kids(element):
            if _is_element(kid):
                self.fix_tables_and_lists(kid)

    def walk_all(self):
        for top in _kids(self.root):
            if _is_element(top):
                yield from self.walk(top)

    def inside_link(self, element):
        parent = element.get("/P")
        while parent is not None and _is_element(parent):
            if _name(parent) == "/Link":
                return True
            parent = parent.get("/P")
        return False

    def rewrite_content(self):
        for index, mcids in self.artifacts.items():
            if mcids:
                page = self.pdf.pages[index]
                content = _artifacts_in(page.Contents.read_bytes(), mcids)
                if content is None:
                    content = self.parse_and_rewrite(page, mcids)
                page.obj.Contents = self.pdf.make_stream(content)

    def parse_and_rewrite(self, page, mcids):
        instructions = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, operator = instruction.operands, instruction.operator
            if (
                str(operator) == "BDC"
                and isinstance(operands[1], pikepdf.Dictionary)
                and int(operands[1].get("/MCID", -1)) in mcids
            ):
                kind = pikepdf.Name(mcids[int(operands[1].MCID)])
                instruction = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=kind)],
                    pikepdf.Operator("BDC"),
                )
            instructions.append(instruction)
        return pikepdf.unparse_content_stream(instructions)


# How pydyf writes a marked-content sequence with an MCID (`begin_marked_content`).
_MARKED = re.compile(rb"/[A-Za-z]+\n<</MCID (\d+)>>\nBDC")


def _artifacts_in(content: bytes, mcids: dict[int, str]) -> bytes | None:
    """`content` with the sequences of `mcids` as artifacts of their kind, found as pydyf
    writes them; None if not all are found so (then the page is parsed instead)."""
    found = 0

    def replace(match):
        nonlocal found
        kind = mcids.get(int(match[1]))
        if kind is None:
            return match[0]
        found += 1
        return b"/Artifact <</Type " + kind.encode() + b">> BDC"

    content = _MARKED.sub(replace, content)
    return content if found == len(mcids) else None


def fix_structure(data: bytes, origins: dict[int, Origin]) -> bytes:
    """The PDF `data`, written by WeasyPrint inside `record_boxes` (which gave `origins`),
    with its structure tree corrected (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _Fixer(pdf, origins).run()
        output = io.BytesIO()
        pdf.save(
            output, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
        )
        return output.getvalue()

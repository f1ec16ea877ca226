"""The speed-up of pydyf (iserlohn_digital.pdf.patch_pydyf) changes no result, and is
refused on a pydyf it was not written for."""

import importlib.util
import tomllib
from pathlib import Path

import pydyf
import pytest
from django.core.exceptions import ImproperlyConfigured
from weasyprint import HTML

from iserlohn_digital.pdf import PYDYF_PATCHED_VERSION, _page_references, patch_pydyf

ROOT = Path(__file__).resolve().parents[2]


def pristine_pydyf():
    """A second, unpatched copy of the installed pydyf module."""
    spec = importlib.util.spec_from_file_location("pristine_pydyf", pydyf.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.__version__ == pydyf.__version__
    return module


ORIGINAL = pristine_pydyf().PDF.__dict__["page_references"]


def add_page(pdf):
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference})
    pdf.add_page(page)
    return page


def test_the_patch_is_applied_at_startup():
    assert pydyf.PDF.__dict__["page_references"].fget is _page_references


def test_patched_page_references_equal_the_original_at_every_page_count():
    pdf = pydyf.PDF()
    for _ in range(40):
        assert pdf.page_references == ORIGINAL.fget(pdf)
        pdf.add_object(pydyf.Dictionary({}))  # other objects between the pages
        add_page(pdf)
        assert pdf.page_references == ORIGINAL.fget(pdf)
        assert pdf.page_references == ORIGINAL.fget(pdf)  # read again: from the cache
    assert len(pdf.page_references) == 40
    assert all(isinstance(reference, bytes) for reference in pdf.page_references)


def test_a_replaced_page_tree_is_not_answered_from_the_cache():
    pdf = pydyf.PDF()
    for _ in range(3):
        add_page(pdf)
    before = pdf.page_references
    pdf.pages = pydyf.Dictionary({"Type": "/Pages", "Kids": pydyf.Array([7, 0, "R"] * 3)})
    assert pdf.page_references == ORIGINAL.fget(pdf) != before


def render(html):
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)


def test_a_tagged_pdf_is_byte_identical_with_and_without_the_patch(monkeypatch):
    chapters = "".join(
        f'<h1 id="k{number}">Kapitel {number}</h1>'
        f'<p>Text mit <a href="#k{(number + 1) % 15}">Verweis</a>.</p>'
        "<ul><li>eins</li><li>zwei</li></ul>"
        "<table><tr><th>Spalte</th><td>Wert</td></tr></table>"
        '<p style="break-after: page">Ende</p>'
        for number in range(15)
    )
    html = f'<html lang="de"><head><title>Probe</title></head><body>{chapters}</body></html>'
    assert pydyf.PDF.__dict__["page_references"].fget is _page_references
    patched = render(html)

    reads = []
    counted = property(lambda pdf: reads.append(1) or ORIGINAL.fget(pdf))
    monkeypatch.setattr(pydyf.PDF, "page_references", counted)
    original = render(html)

    assert len(reads) > 15  # the tags and links of every page read it
    assert patched == original


def test_an_unexpected_pydyf_version_is_refused_and_left_unpatched(monkeypatch):
    monkeypatch.setattr(pydyf.PDF, "page_references", ORIGINAL)
    monkeypatch.setattr(pydyf, "__version__", "0.14.0")
    with pytest.raises(ImproperlyConfigured, match=r"pydyf 0\.14\.0 is installed"):
        patch_pydyf()
    assert pydyf.PDF.__dict__["page_references"] is ORIGINAL


def test_patching_twice_changes_nothing():
    installed = pydyf.PDF.__dict__["page_references"]
    patch_pydyf()
    assert pydyf.PDF.__dict__["page_references"] is installed


def test_pydyf_is_pinned_and_locked_at_the_patched_version():
    assert pydyf.__version__ == PYDYF_PATCHED_VERSION
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"pydyf=={PYDYF_PATCHED_VERSION}" in project["dependencies"]
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert f"\npydyf=={PYDYF_PATCHED_VERSION} " in (ROOT / lock).read_text(), lock

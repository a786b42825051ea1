"""The bilingual exports of a published version: a PDF (English and Chinese side by side) and
a Word document, built in the request (one version is small), and their download names."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.formatting import format_date

from .models import ClauseSnapshot, Mou, MouVersion

# Word's usual Chinese typeface; the document names it for East Asian text only.
DOCX_CJK_FONT = "SimSun"


def download_name(mou: Mou, suffix: str) -> str:
    """A file name from the MoU's title, cut at a word boundary to stay short."""
    slug = slugify(mou.title)
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0]
    return f"{slug or 'mou'}{suffix}"


def _clauses(version: MouVersion) -> list[ClauseSnapshot]:
    return list(version.clauses.order_by("position", "pk"))


def version_pdf(version: MouVersion) -> bytes:
    """The version in English and Chinese side by side (one version: built in the request)."""
    from weasyprint import HTML

    html = render_to_string(
        "mou/export_pdf.html",
        {
            "mou": version.mou,
            "version": version,
            "clauses": _clauses(version),
            "generated_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def _mark_chinese(run: Any) -> None:
    """Tell Word the run is Simplified Chinese, so it picks the East Asian typeface."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    run._element.get_or_add_rPr().append(lang)


def _docx_text(cell: Any, text: str, *, chinese: bool) -> None:
    """Clause text as paragraphs of the cell (a blank line separates paragraphs)."""
    parts = [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]
    for part in parts or ["—"]:
        paragraph = cell.add_paragraph()
        lines = part.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if chinese:
                _mark_chinese(run)
            if index < len(lines) - 1:
                run.add_break()


def version_docx(version: MouVersion) -> bytes:
    """The version as a Word document: both titles, then each clause in both languages."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    mou = version.mou
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_CJK_FONT)
    core = document.core_properties
    core.title = f"{mou.title} — v{version.number}"
    core.subject = mou.title_zh or ""

    document.add_heading(mou.title, level=0)
    if mou.title_zh:
        _mark_chinese(document.add_heading(mou.title_zh, level=1).runs[0])
    facts = _("Version %(n)s") % {"n": version.number}
    published = timezone.localtime(version.created_at).date()
    facts += " · " + _("published on %(day)s") % {"day": format_date(published)}
    if version.note:
        facts += " · " + version.note
    document.add_paragraph(facts)

    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header_row = table.rows[0]
    # The header row repeats on every page the table runs over.
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(repeat)
    header_row.cells[0].paragraphs[0].add_run(_("English")).bold = True
    chinese_header = header_row.cells[1].paragraphs[0].add_run("中文")
    chinese_header.bold = True
    _mark_chinese(chinese_header)
    for clause in _clauses(version):
        english, chinese = table.add_row().cells
        english.paragraphs[0].add_run(f"{clause.position}. {clause.heading_en}").bold = True
        _docx_text(english, clause.text_en, chinese=False)
        heading = chinese.paragraphs[0].add_run(f"{clause.position}. {clause.heading_zh or '—'}")
        heading.bold = True
        _mark_chinese(heading)
        _docx_text(chinese, clause.text_zh, chinese=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

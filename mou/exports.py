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
from portal.pdf import html_to_pdf

from .models import ClauseSnapshot, Mou, MouVersion
from .workflows import SIGNED_STATUSES

# Word's usual Chinese typeface; the document names it for East Asian text only.
DOCX_CJK_FONT = "SimSun"
#: Who the exports name as their author (Word's core properties).
EXPORT_AUTHOR = "Genomics Collaboration Portal"


def is_draft(mou: Mou) -> bool:
    """An MoU not signed yet: its exports carry the DRAFT mark on every page."""
    return mou.status not in SIGNED_STATUSES


def draft_mark() -> str:
    return _("DRAFT — not signed")


def out_of_step_note(clause: ClauseSnapshot) -> str:
    """The mark of a clause published out of step between English and Chinese."""
    return _("Out of step: the %(lagging)s text has not followed the %(leading)s change") % {
        "lagging": clause.lagging_name,
        "leading": clause.leading_name,
    }


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
    html = render_to_string(
        "mou/export_pdf.html",
        {
            "mou": version.mou,
            "version": version,
            "clauses": _clauses(version),
            "generated_at": timezone.localtime(),
            "is_draft": is_draft(version.mou),
            "draft_mark": draft_mark(),
            "override": version.out_of_step_override,
        },
    )
    return html_to_pdf(html)


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
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    mou = version.mou
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_CJK_FONT)
    # A4 with the PDF's margins (python-docx's template is US Letter).
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(18), Mm(20)
        section.left_margin = section.right_margin = Mm(14)
        if is_draft(mou):
            mark = section.header.paragraphs[0]
            mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = mark.add_run(draft_mark())
            run.bold = True
            run.font.color.rgb = RGBColor(0xB0, 0x2A, 0x37)
    core = document.core_properties
    core.title = f"{mou.title} — v{version.number}"
    core.subject = mou.title_zh or ""
    core.author = core.last_modified_by = EXPORT_AUTHOR
    core.comments = mou.get_absolute_url()
    core.created = core.modified = timezone.now()
    core.revision = version.number
    core.keywords = draft_mark() if is_draft(mou) else ""

    document.add_heading(mou.title, level=0)
    if mou.title_zh:
        _mark_chinese(document.add_heading(mou.title_zh, level=1).runs[0])
    facts = _("Version %(n)s") % {"n": version.number}
    published = timezone.localtime(version.created_at).date()
    facts += " · " + _("published on %(day)s") % {"day": format_date(published)}
    if version.note:
        facts += " · " + version.note
    document.add_paragraph(facts)
    override = version.out_of_step_override
    if override is not None:
        box = document.add_paragraph()
        box.add_run(
            _("Published with clauses out of step between English and Chinese, under an override")
        ).bold = True
        box.add_run("\n" + _("Clauses:") + " " + ", ".join(override.clause_labels))
        box.add_run("\n" + _("Reason:") + " " + override.reason)

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
        if clause.is_out_of_step:
            note = english.paragraphs[0].add_run(out_of_step_note(clause))
            note.bold = True
            note.font.color.rgb = RGBColor(0xB0, 0x2A, 0x37)
            english.add_paragraph()
        english.paragraphs[-1].add_run(f"{clause.position}. {clause.heading_en}").bold = True
        _docx_text(english, clause.text_en, chinese=False)
        heading = chinese.paragraphs[0].add_run(f"{clause.position}. {clause.heading_zh or '—'}")
        heading.bold = True
        _mark_chinese(heading)
        _docx_text(chinese, clause.text_zh, chinese=True)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""Read back what a report holds: the text of a PDF, the cells of a workbook."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.split())


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def rows_of(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]

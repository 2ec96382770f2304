"""What the report tests share: a synthetic quarter, and reading text out of a PDF."""

from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader

from survey_app.demo import generate as demo_data

PERIOD = "2025-Q3"


def seed_quarter() -> None:
    """A synthetic quarter: every channel, campaigns, comments (small, for speed)."""
    demo_data.generate(1200, seed=3, start=date(2025, 7, 1), end=date(2025, 10, 1))


def squeeze(text: str) -> str:
    """Text without whitespace: PDF extraction breaks lines where the layout wrapped them."""
    return re.sub(r"\s+", "", text)


def pdf_text(data: bytes) -> str:
    """The text of every page, less the page number a document prints atop pages 2, 3 …"""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(re.sub(rf"^\s*{number}\s*\n", "", page.extract_text())
                     for number, page in enumerate(pages, start=1))

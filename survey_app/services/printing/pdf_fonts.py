"""Fonts for PDFs (posters, reports) that render Vietnamese diacritics.

ReportLab's built-in Helvetica has no glyphs for ả, ệ, ự …; DejaVu Sans does and
ships inside matplotlib, which the project already needs, so PDFs look the same on
every machine without a system font.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_file(name: str = REGULAR) -> Path:
    """The TTF file of REGULAR or BOLD (Pillow draws poster PNGs with the same glyphs)."""
    return _FONT_DIR / f"{name}.ttf"


def register() -> tuple[str, str]:
    """Register the fonts with ReportLab once; returns (regular, bold) font names."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (REGULAR, BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return REGULAR, BOLD

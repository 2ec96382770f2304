"""Fonts for PDFs (posters, reports) that render Vietnamese diacritics.

ReportLab's built-in Helvetica has no glyphs for ả, ệ, ự …; DejaVu Sans does and
ships inside matplotlib, which the project already needs, so posters look the same on
every machine without a system font. Reports are administrative documents, set in a
serif metric-compatible with Times New Roman (Decree 30/2020/NĐ-CP): Liberation Serif 2,
from Debian's fonts-liberation2, embedded in the PDF. (Liberation 1, in fonts-liberation,
has no glyphs for ế, ộ, ữ …: it is not looked for.)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from survey_app.errors import DomainError

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
SERIF = {"regular": "LiberationSerif-Regular", "bold": "LiberationSerif-Bold",
         "italic": "LiberationSerif-Italic", "boldItalic": "LiberationSerif-BoldItalic"}
SERIF_DIRS = (Path("/usr/share/fonts/truetype/liberation2"),)


class FontMissing(DomainError):
    """A font the document needs is not installed (the message says which package)."""


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


def _serif_file(name: str) -> Path:
    for folder in SERIF_DIRS:
        if (folder / f"{name}.ttf").is_file():
            return folder / f"{name}.ttf"
    raise FontMissing("font_missing", name=name, folders=", ".join(map(str, SERIF_DIRS)))


def register_serif() -> dict[str, str]:
    """Register Liberation Serif (four faces) once; returns {'regular': name, 'bold': …}."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in SERIF.values():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(_serif_file(name))))
    pdfmetrics.registerFontFamily(SERIF["regular"], normal=SERIF["regular"], bold=SERIF["bold"],
                                  italic=SERIF["italic"], boldItalic=SERIF["boldItalic"])
    return dict(SERIF)

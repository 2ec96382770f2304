"""The blocks a report is made of: headings, paragraphs, tables and charts.

`content` builds the report's list of blocks and the appendices (comparisons, the
766 group) add theirs; the PDF and the DOCX lay them out. Kept apart so that the
appendices need not import the report body that calls them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

TEXT_WIDTH = 16.0  # cm: A4 less the decree's margins (left 3 cm, right 2 cm)


@dataclass
class Heading:
    text: str


@dataclass
class Text:
    text: str
    style: str = "body"  # body, small, item (a bullet line)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float]  # cm, adding up to TEXT_WIDTH


@dataclass
class Chart:
    png: bytes
    aspect: float  # height / width
    width: float = TEXT_WIDTH  # cm


@dataclass
class Body:
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)


def chart(figure, width: float = TEXT_WIDTH) -> Chart:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    width_in, height_in = figure.get_size_inches()
    # A tall caterpillar chart: narrower, so it fits one page and keeps its proportions.
    width = min(width, 22.0 * width_in / height_in)
    return Chart(buffer.getvalue(), height_in / width_in, width)

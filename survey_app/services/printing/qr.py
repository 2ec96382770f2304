"""QR codes of survey links: SVG for screens, PNG for print, and the module matrix for PDFs.

Error correction M (15 % of the code may be damaged) suits a poster or receipt that
gets scratched or folded without making the code denser than a cheap phone camera
reads easily; the four-module quiet zone the standard asks for is kept in every format.
The links come from PUBLIC_BASE_URL (the caller passes it), never from a request's Host.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; ISO/IEC 18004 asks for at least four


def counter_url(base_url: str, counter_code: str) -> str:
    """The open survey of a counter, as its poster's QR carries it."""
    return f"{base_url.rstrip('/')}/c/{counter_code}"


def invitation_url(base_url: str, token: str) -> str:
    """The single-use survey of one transaction."""
    return f"{base_url.rstrip('/')}/t/{token}"


def _code(url: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code


def svg(url: str) -> bytes:
    """One path, fill given as an attribute (no style attribute for a CSP to block)."""
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="utf-8")


def png(url: str, box_size: int = 10) -> bytes:
    """A black-and-white PNG, `box_size` pixels per module (10 is ~4 cm at 300 dpi)."""
    buffer = io.BytesIO()
    pil_image(url, box_size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pil_image(url: str, box_size: int = 10):
    """The QR as a 1-bit Pillow image (posters paste it onto their page)."""
    return _code(url, box_size).make_image(fill_color="black", back_color="white").get_image()


def matrix(url: str) -> list[list[bool]]:
    """Dark modules row by row, quiet zone included: for drawing vector QR codes in PDFs."""
    return _code(url).get_matrix()

"""Shared PDF pieces: ReportLab's built-in CJK font, which renders Chinese with no font file on the machine, and
QR codes drawn by ReportLab itself (no outside service, no image file)."""

from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

CJK_FONT = "STSong-Light"


def cjk_font() -> str:
    """The registered name of the built-in Song font, registering it on first use."""
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def qr_drawing(url: str, size: float = 28 * mm) -> Drawing:
    """A QR code of `url`, `size` points square, to place in a PDF flow or draw on a canvas."""
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), -x1, -y1])
    drawing.add(widget)
    return drawing


def qr_svg(url: str, size: int = 120) -> str:
    """The QR code as inline SVG for a print page (no image request)."""
    svg = renderSVG.drawToString(qr_drawing(url, size))
    return svg[svg.index("<svg") :]

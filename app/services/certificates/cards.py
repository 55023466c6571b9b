"""The wallet card: a PDF of a certificate with a QR code to its public verification page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import quote

import segno
from fpdf import FPDF
from sqlalchemy.orm import Session

from app.models import Certificate, Notification
from app.models.base import utcnow
from app.models.vocab import LEVEL_LABELS
from app.services.clock import local_date

CARD_WIDTH, CARD_HEIGHT = 85.6, 54.0  # ISO/IEC 7810 ID-1, in millimetres
PAPER_SIZES = {"a4": "A4", "letter": "Letter"}
PAGE_MARGIN = 20.0
QR_SIZE = 24.0
MARGIN = 3.0
BAND_HEIGHT = 8.0
RED, INK, GREY = (178, 34, 34), (20, 20, 20), (110, 110, 110)
# A Unicode font when the machine has one (holder names are not all Latin-1); else Helvetica.
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
              "/usr/local/share/fonts")
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def verify_url(base_url: str, code: str) -> str:
    """The public page a card's QR code opens."""
    return f"{base_url.rstrip('/')}/verify/{quote(code, safe='')}"


def _day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


class _Card:
    """Draws one card with its top-left corner at (x, y) on the current page."""

    def __init__(self, pdf: FPDF, certificate: Certificate, url: str, today: date):
        self.pdf, self.certificate, self.url, self.today = pdf, certificate, url, today
        self.unicode = _load_unicode_font(pdf)

    def text(self, value: str | None) -> str:
        value = value or ""
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour=INK) -> None:
        family = "DejaVu" if self.unicode else "Helvetica"
        self.pdf.set_font(family, "B" if bold else "", size)
        self.pdf.set_text_color(*colour)

    def line(self, x: float, width: float, value: str, size: float, bold: bool = False,
             colour=INK) -> None:
        self.font(size, bold, colour)
        self.pdf.set_x(x)
        self.pdf.multi_cell(width, size * 0.42, self.text(value), align="L", new_x="LMARGIN",
                           new_y="NEXT")

    def draw(self, x: float, y: float) -> None:
        pdf, certificate = self.pdf, self.certificate
        pdf.set_draw_color(*GREY)
        pdf.set_line_width(0.2)
        pdf.rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        pdf.set_fill_color(*RED)
        pdf.rect(x, y, CARD_WIDTH, BAND_HEIGHT, style="F")
        pdf.set_xy(x + MARGIN, y + 1.2)
        self.font(7.5, bold=True, colour=(255, 255, 255))
        pdf.cell(CARD_WIDTH - 2 * MARGIN, 3.2, self.text(certificate.training_center))
        pdf.set_xy(x + MARGIN, y + 4.4)
        self.font(5, colour=(255, 255, 255))
        pdf.cell(CARD_WIDTH - 2 * MARGIN, 2.6, "Training record - verify with the QR code")
        left, width = x + MARGIN, CARD_WIDTH - 3 * MARGIN - QR_SIZE
        pdf.set_y(y + BAND_HEIGHT + 1.5)
        self.line(left, width, certificate.holder_name, 9.5, bold=True)
        self.line(left, width, certificate.course_title, 6.5, bold=True)
        self.line(left, width, f"Level: {LEVEL_LABELS.get(certificate.level, certificate.level)}", 5.5)
        self.line(left, width, f"Guideline basis: {', '.join(certificate.guidelines) or '-'}", 5.5)
        self.line(left, width, f"Issued {_day(certificate.issued_on)}", 5.5)
        self.line(left, width, f"Expires {_day(certificate.expires_on)}", 5.5, bold=True)
        if certificate.instructor_name:
            self.line(left, width, f"Instructor: {certificate.instructor_name}", 5.5)
        self.line(left, width, f"Lifeline record: {certificate.code}", 6, bold=True)
        if certificate.external_id:
            issuer = certificate.external_issuer or "Awarding body"
            self.line(left, width, f"Awarding body's own card ({issuer}): "
                                   f"{certificate.external_id}", 5, colour=GREY)
        self.qr(x + CARD_WIDTH - MARGIN - QR_SIZE, y + BAND_HEIGHT + 2.0)
        pdf.set_xy(x + CARD_WIDTH - MARGIN - QR_SIZE, y + BAND_HEIGHT + 2.5 + QR_SIZE)
        self.font(4.5, colour=GREY)
        pdf.multi_cell(QR_SIZE, 2.0, "Scan to verify this record", align="C")
        pdf.set_xy(x + MARGIN, y + CARD_HEIGHT - MARGIN - 2.4)
        self.font(4.5, colour=GREY)
        pdf.cell(CARD_WIDTH - 2 * MARGIN, 2.4, self.text(f"Verify: {self.url}"))
        self.stamp(x, y)

    def qr(self, x: float, y: float) -> None:
        """The QR code as vector squares, so it stays sharp at any print size."""
        qr = segno.make(self.url, error="m")
        rows = [list(row) for row in qr.matrix]
        module = QR_SIZE / len(rows)
        self.pdf.set_fill_color(255, 255, 255)
        self.pdf.rect(x - module, y - module, QR_SIZE + 2 * module, QR_SIZE + 2 * module, style="F")
        self.pdf.set_fill_color(0, 0, 0)
        for row_index, row in enumerate(rows):
            start = None
            for column, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:
                    self.pdf.rect(x + start * module, y + row_index * module,
                                  (column - start) * module, module, style="F")
                    start = None

    def stamp(self, x: float, y: float) -> None:
        """REVOKED (or EXPIRED) across the card, so a copy cannot pass for a valid one."""
        status = self.certificate.status_on(self.today)
        if status == "valid":
            return
        word, colour = ("REVOKED", RED) if status == "revoked" else ("EXPIRED", GREY)
        # Over the text, clear of the QR code, which still opens the page saying "revoked".
        width = CARD_WIDTH - QR_SIZE - MARGIN
        centre_x, centre_y = x + width / 2, y + CARD_HEIGHT / 2 + 2
        with self.pdf.rotation(angle=20, x=centre_x, y=centre_y):
            self.font(24, bold=True, colour=colour)
            self.pdf.set_xy(x, centre_y - 6)
            self.pdf.cell(width, 12, word, align="C")


def _load_unicode_font(pdf: FPDF) -> bool:
    if "dejavu" in pdf.fonts:
        return True
    for folder in _FONT_DIRS:
        paths = {style: Path(folder) / name for style, name in _FONT_FILES.items()}
        if all(path.is_file() for path in paths.values()):
            for style, path in paths.items():
                pdf.add_font("DejaVu", style, str(path))
            return True
    return False


def card_pdf(certificate: Certificate, verify_url: str, today: date, paper: str = "card") -> bytes:
    """The wallet card as PDF: a card-sized page, or (paper="a4"/"letter") the card at actual
    size on a full page with a cutting line."""
    on_sheet = paper in PAPER_SIZES
    pdf = FPDF(unit="mm", format=PAPER_SIZES[paper] if on_sheet else (CARD_WIDTH, CARD_HEIGHT))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"Wallet card {certificate.code}")
    pdf.set_creator(certificate.training_center)
    pdf.add_page()
    card = _Card(pdf, certificate, verify_url, today)
    if not on_sheet:
        card.draw(0, 0)
        return bytes(pdf.output())
    pdf.set_xy(PAGE_MARGIN, PAGE_MARGIN - 8)
    card.font(9, colour=GREY)
    pdf.cell(0, 5, "Print at 100% (actual size) and cut along the card's border.")
    card.draw(PAGE_MARGIN, PAGE_MARGIN)
    pdf.set_xy(PAGE_MARGIN, PAGE_MARGIN + CARD_HEIGHT + 6)
    card.font(9)
    pdf.multi_cell(120, 4.5, card.text(
        f"Anyone can check this record at {verify_url}. The card shows Lifeline's record of "
        "the training; where the awarding body issued its own card, its id is printed beside it."),
        align="L")
    return bytes(pdf.output())


def card_attachments(session: Session, notification: Notification,
                     config: Mapping) -> list[tuple[str, str, bytes]]:
    """The wallet card to attach to a certificate's e-mail, read at delivery time."""
    if notification.certificate_id is None:
        return []
    certificate = session.get(Certificate, notification.certificate_id)
    if certificate is None:
        return []
    today = local_date(utcnow(), config["CENTER_TIMEZONE"])
    pdf = card_pdf(certificate, verify_url(config["PUBLIC_BASE_URL"], certificate.code), today)
    return [("wallet-card.pdf", "application/pdf", pdf)]

"""PDFs built in the tests with fpdf2 (core font, Latin-1 text) and pypdf."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

# One topic per page, so a chunk's page can be checked from its words.
PAGE_TOPICS = [
    ("Trygghet i skolan", "Skolan arbetar med trygghet och studiero i klassrummen varje dag."),
    ("Välfärdsbrott", "Kommunen granskar utbetalningar av föreningsbidrag med en ny modell."),
    ("Samverkan med polisen", "Socialtjänsten och polisen träffas varje vecka för att följa upp läget."),
]


class _NumberedPdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.cell(0, 6, str(self.page_no()), align="C")  # a page number, as in real reports


def _new_pdf() -> FPDF:
    pdf = _NumberedPdf(format="A4")
    pdf.set_font("Helvetica", size=11)
    pdf.set_auto_page_break(auto=True, margin=15)
    return pdf


def _write(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def multi_page_pdf(pages: list[tuple[str, str]] | None = None, repeat: int = 12, title: str = "") -> bytes:
    """One page per (heading, sentence); the sentence repeated into a paragraph of prose."""
    pdf = _new_pdf()
    if title:
        pdf.set_title(title)
    for heading, sentence in pages or PAGE_TOPICS:
        pdf.add_page()
        _write(pdf, heading)
        _write(pdf, " ".join([sentence] * repeat))
    return bytes(pdf.output())


def page_spanning_pdf() -> bytes:
    """Two pages; one sentence starts at the end of page 1 and ends at the top of page 2."""
    pdf = _new_pdf()
    pdf.add_page()
    _write(pdf, "Bakgrund")
    _write(pdf, " ".join(["Projektet stödjer kommunerna i det förebyggande arbetet."] * 8))
    pdf.multi_cell(0, 6, "Denna mening börjar på sidan ett och", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    _write(pdf, "fortsätter överst på sidan två. Därefter följer en helt ny mening om uppföljning.")
    return bytes(pdf.output())


def blank_pdf(pages: int = 2) -> bytes:
    """Pages with drawings only: nothing to extract (like a scan without OCR)."""
    pdf = _new_pdf()
    for _ in range(pages):
        pdf.add_page()
        pdf.rect(20, 20, 120, 80, style="F")
    return bytes(pdf.output())


def encrypted_pdf(data: bytes, user_password: str = "hemligt") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="ägare")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path

"""PDFs of this app's pages: the project's one PDF renderer (core/pdf.py), named here for the app's views."""
from kernel.core.pdf import PDF_FONT, pdf_response, render_official, render_pdf

__all__ = ["PDF_FONT", "pdf_response", "render_official", "render_pdf"]

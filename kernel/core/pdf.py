"""PDFs rendered by WeasyPrint from a template, with a CJK font, and served inline."""
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_FONT = "Noto Sans CJK SC"


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    html = render_to_string(template, {**context, "pdf_font": PDF_FONT}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response

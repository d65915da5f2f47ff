"""PDFs of the reporting pages (supervision notices), rendered by WeasyPrint with a CJK font."""
from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_FONT = "Noto Sans CJK SC"


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    html = render_to_string(template, {**context, "pdf_font": PDF_FONT}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)

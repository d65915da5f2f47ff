"""PDFs rendered by WeasyPrint from a template, with a CJK font, and served inline."""
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_FONT = "Noto Sans CJK SC"
OFFICIAL_TEMPLATE = "core/official_document.html"  # the layout of official documents (GB/T 9704-2012)


def render_pdf(template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # slow to import: only when a PDF is asked for

    html = render_to_string(template, {**context, "pdf_font": PDF_FONT}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def pdf_file_responses(description: str) -> dict:
    """``openapi_extra`` of an API operation answering a PDF document."""
    return {"responses": {200: {"description": description, "content": {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


def render_official(template: str, context: dict, request=None) -> bytes:
    """An official document (a template extending ``OFFICIAL_TEMPLATE``), always in Chinese whatever the reader's
    language: it is the document itself, not a page about it."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return render_pdf(template, context, request)


def official_doc(*, issuer: str, title: str, date, number: str = "", addressee: str = "", attachments=(),
                 mark: str = "", imprint_by: str = "") -> dict:
    """The ``doc`` of ``OFFICIAL_TEMPLATE``: the issuing body (its mark defaults to "<issuer>文件"), 文号, title,
    主送机关, 成文日期, the titles of the attachments, and who prints it (版记), if anyone."""
    issuer = (issuer or "").strip()
    return {"issuer": issuer, "mark": mark or (f"{issuer}文件" if issuer else ""), "number": number, "title": title,
            "addressee": addressee, "date": date, "attachments": list(attachments), "imprint_by": imprint_by}

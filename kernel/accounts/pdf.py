"""The printed sheet of one-time passwords handed to new account holders: one block per account."""
from django.utils import timezone

from kernel.core.pdf import render_pdf

TEMPLATE = "accounts/passwords_pdf.html"


def password_sheet(accounts: list[dict], *, issued_by: str = "", request=None) -> bytes:
    """``accounts``: dicts with username, full_name, organization, role and password (see imports.Created)."""
    return render_pdf(TEMPLATE, {"accounts": accounts, "issued_by": issued_by,
                                 "issued_at": timezone.localtime()}, request)

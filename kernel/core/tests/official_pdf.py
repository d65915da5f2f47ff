"""Reading an official document's PDF in tests: its text (``pdftotext -layout``), its first pages as PNG
(``pdftoppm -r 50 -png``, kept under test-artifacts/ to look at), and the checks every document passes."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "documents"
RAW_CODES = re.compile(r"\b(?:\d{4}-?Q[1-4]|\d{4}-H[12]|Q[1-4]|first|second|advanced|qualified|failed|veto|"
                       r"decision|revoked|active|withdrawn)\b", re.IGNORECASE)
DOUBLED_QUOTES = re.compile(r"““|””|「“|”」|『“|”』|‘‘|’’")
CN_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:200]
    return subprocess.run([shutil.which("pdftotext"), "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()


def flat(text: str) -> str:
    """The text without the spaces and line breaks the layout puts between characters."""
    return re.sub(r"\s+", "", text)


def pdf_pngs(data: bytes, name: str, *, pages: int = 2) -> list[Path]:
    """The first ``pages`` pages as PNG at 50 dpi, saved as test-artifacts/documents/<name>-<n>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(data)
        subprocess.run([shutil.which("pdftoppm"), "-r", "50", "-png", "-l", str(pages), str(source),
                        str(Path(folder) / "page")], check=True, capture_output=True)
        saved = []
        for number, png in enumerate(sorted(Path(folder).glob("page*.png")), start=1):
            target = ARTIFACTS / f"{name}-{number}.png"
            shutil.copyfile(png, target)
            saved.append(target)
    assert saved and all(path.stat().st_size > 1000 for path in saved)
    return saved


def assert_official(data: bytes, name: str, *, number: str, issuer: str, date: str, title: str,
                    names=(), absent=(), page_numbers: bool = True) -> str:
    """The checks of every document: 文号, the issuer and the date written in Chinese, the title, the names
    listed, no raw code (Q4, second, advanced, …) and no doubled quotation mark. Returns the flattened text."""
    pdf_pngs(data, name)
    text = flat(pdf_text(data))
    for fragment in (number, issuer, date, title, *names):
        assert flat(fragment) in text, f"{fragment!r} missing from {name}: {text[:1500]}"
    for fragment in absent:
        assert flat(fragment) not in text, f"{fragment!r} should not be in {name}"
    assert CN_DATE.search(text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), f"an ISO date in {name}"
    latin = " ".join(re.findall(r"[A-Za-z]+", pdf_text(data)))
    assert not RAW_CODES.search(latin), f"a raw code in {name}: {RAW_CODES.search(latin)[0]}"
    assert not DOUBLED_QUOTES.search(text), f"doubled quotation marks in {name}: {DOUBLED_QUOTES.search(text)[0]}"
    assert ("—1—" in text) == page_numbers  # the page number, on all but a certificate
    return text

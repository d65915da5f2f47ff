"""Writing an export: streamed to the browser, or to a job's result file; one access-log entry per export."""
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from kernel.core.models import SensitiveAccess
from kernel.core.xlsx_stream import XlsxWriter, iter_xlsx
from kernel.people.models import Person

from .sheets import Export

sensitive_log = logging.getLogger("jiceng.sensitive")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 5000


def stream_export(export: Export, *, user, request_id: str, where: str) -> Iterator[bytes]:
    """The workbook's bytes as they are written; the access log is written when the stream ends (or stops)."""
    try:
        yield from iter_xlsx(export.header, export.rows(), title=export.title)
    finally:
        log_unmasked(export, user=user, request_id=request_id, where=where)


def write_export(export: Export, path: Path, *, progress=None, total: int = 0) -> dict:
    """Writes the workbook to ``path``; returns the counts: rows, sheets, rows shown unmasked."""
    rows = export.rows()
    if progress is not None:
        rows = _reporting(rows, progress, total)
    with path.open("wb") as handle, XlsxWriter(handle, export.header, title=export.title) as writer:
        writer.write_rows(rows)
    return {"rows": writer.rows_written, "sheets": writer.sheet_count,
            "unmasked": export.unmasking.shown if export.unmasking else 0}


def _reporting(rows, progress, total: int):
    done = 0
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    progress(done, max(total, done))


def log_unmasked(export: Export, *, user, request_id: str, where: str) -> None:
    """One SensitiveAccess for the whole export, saying how many rows were shown unmasked."""
    unmasking = export.unmasking
    if unmasking is None or not unmasking.shown:
        return
    if export.organization is not None:
        org_path = export.organization.path
    else:
        org_path = unmasking.roots[0] if len(unmasking.roots) == 1 else ""
    SensitiveAccess.objects.create(
        user=user, request_id=request_id or "", content_type=ContentType.objects.get_for_model(Person),
        object_id=export.organization.pk if export.organization is not None else 0,
        fields="id_number" if export.kind == "posts" else "id_number,phone", org_path=org_path,
        where=f"export {export.kind}: {unmasking.shown} rows unmasked: {where}"[:300],
    )
    sensitive_log.info("export of %s: %d rows unmasked for %s", export.kind, unmasking.shown, user)


@contextmanager
def scratch_file(suffix: str = ".xlsx"):
    """A file on this machine's own temporary disk to write a result into before it goes to the storage (which may
    be an object store shared by every server: no server reads another's disk). Removed afterwards."""
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)
    handle.close()
    path = Path(handle.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)

"""A stored file copied to this machine's own temporary disk, for a reader that must not wait on the store while it
reads (the member import's COPY holds the database connection that a database-kept file would be read through)."""
import shutil
import tempfile
from contextlib import contextmanager


@contextmanager
def local_copy(stored, *, name: str = ""):
    """``stored`` (a FieldFile or an open file) copied in 1 MB pieces to a temporary file, open for reading; the copy
    is removed afterwards. The store may be shared by every server (kernel.core.dbstorage); this disk is not."""
    with tempfile.TemporaryFile(suffix=name[-16:]) as handle:
        source = stored.open("rb") if hasattr(stored, "storage") else stored
        try:
            shutil.copyfileobj(source, handle, 1 << 20)
        finally:
            if source is not stored:
                source.close()
        handle.seek(0)
        yield handle

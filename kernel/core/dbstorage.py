"""A Django storage that keeps files in the database (``FILE_STORAGE=kernel.core.dbstorage.DatabaseStorage``).

Several app servers and Celery workers then need no shared disk and no object store besides the PostgreSQL they
already share: a file uploaded through one server is read by the worker and downloaded through another. Files are
written and read in chunks of ``CHUNK`` bytes, never whole; a read seeks by chunk, so zip archives (xlsx) open
without being copied. The project's files are imports (at most UPLOAD_MAX_BYTES), their error workbooks and
exports; where files grow to many gigabytes, an S3-compatible store through django-storages takes its place with
no change to the code, which goes through the storage API only.
"""
import io

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.deconstruct import deconstructible

CHUNK = 1024 * 1024


class _ChunkReader(io.RawIOBase):
    """The bytes of a stored file, fetched a chunk at a time as they are read."""

    def __init__(self, stored):
        super().__init__()
        self.stored = stored
        self.position = 0
        self._number, self._data = -1, b""

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.stored.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _chunk(self, number: int) -> bytes:
        if number != self._number:
            from .models import StoredChunk

            data = StoredChunk.objects.filter(file=self.stored, number=number).values_list("data", flat=True).first()
            self._number, self._data = number, bytes(data) if data is not None else b""
        return self._data

    def readinto(self, buffer):
        if self.position >= self.stored.size:
            return 0
        number, offset = divmod(self.position, CHUNK)
        data = self._chunk(number)[offset:offset + len(buffer)]
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


@deconstructible
class DatabaseStorage(Storage):
    def _stored(self, name):
        from .models import StoredFile

        return StoredFile.objects.filter(name=name).first()

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("stored files are written with save()")
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        handle = io.BufferedReader(_ChunkReader(stored), buffer_size=CHUNK)
        return File(handle, name=name)

    def _save(self, name, content):
        from .models import StoredChunk, StoredFile

        with transaction.atomic():
            stored = StoredFile.objects.create(name=name)
            size = number = 0
            if hasattr(content, "seek"):
                content.seek(0)
            pending = b""
            for piece in content.chunks(CHUNK) if hasattr(content, "chunks") else iter(lambda: content.read(CHUNK), b""):
                pending += piece
                while len(pending) >= CHUNK:
                    StoredChunk.objects.create(file=stored, number=number, data=pending[:CHUNK])
                    size, number, pending = size + CHUNK, number + 1, pending[CHUNK:]
            if pending:
                StoredChunk.objects.create(file=stored, number=number, data=pending)
                size += len(pending)
            StoredFile.objects.filter(pk=stored.pk).update(size=size)
        return name

    def delete(self, name):
        from .models import StoredFile

        StoredFile.objects.filter(name=name).delete()

    def exists(self, name):
        from .models import StoredFile

        return StoredFile.objects.filter(name=name).exists()

    def size(self, name):
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.size

    def get_created_time(self, name):
        stored = self._stored(name)
        if stored is None:
            raise FileNotFoundError(name)
        return stored.created_at

    get_modified_time = get_created_time
    get_accessed_time = get_created_time

    def listdir(self, path):
        from .models import StoredFile

        prefix = path.rstrip("/") + "/" if path else ""
        directories, files = set(), []
        for name in StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True):
            rest = name[len(prefix):]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def url(self, name):
        raise NotImplementedError("stored files are downloaded through the views that check who may have them")

    def path(self, name):
        raise NotImplementedError("a stored file has no path on any disk; open it through the storage")

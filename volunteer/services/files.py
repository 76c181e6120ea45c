"""Files kept in the database, in chunks, so any host can read what another wrote.

Generated files (batch PDFs, whole-tree workbooks) and roster previews waiting for their
confirm step live here instead of on one host's disk. A file is written from a stream one
FILE_CHUNK_BYTES chunk at a time with plain INSERTs (the session's identity map does not
grow with the file) and read back one chunk per query, so neither side holds it whole.
Every file has an expiry; `remove_expired` deletes what is past it.
"""

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy import delete, insert, select, update

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import BackgroundJob, FileBlob, FileChunk, User
from volunteer.services.errors import ServiceError


def save_stream(
    stream: BinaryIO,
    purpose: str,
    filename: str,
    content_type: str,
    owner: User | None,
    expires_at: datetime,
    max_bytes: int | None = None,
) -> FileBlob:
    """Keep the stream's bytes as a new file under a random key (flushed, not committed)."""
    blob = FileBlob(
        key=secrets.token_urlsafe(24),
        purpose=purpose,
        filename=filename[:255],
        content_type=content_type,
        owner_id=owner.id if owner else None,
        expires_at=expires_at,
    )
    db.session.add(blob)
    db.session.flush()
    size = chunks = 0
    while piece := stream.read(current_app.config["FILE_CHUNK_BYTES"]):
        size += len(piece)
        if max_bytes is not None and size > max_bytes:
            raise ServiceError(_l("The file is too large to keep."))
        db.session.execute(insert(FileChunk).values(blob_id=blob.id, seq=chunks, data=piece))
        chunks += 1
    blob.size, blob.chunks = size, chunks
    db.session.flush()
    return blob


def find_file(key: str, purpose: str) -> FileBlob | None:
    """The file kept under `key` for `purpose`, or None."""
    return db.session.scalar(
        select(FileBlob).where(FileBlob.key == key, FileBlob.purpose == purpose)
    )


def file_of_job(job: BackgroundJob) -> FileBlob | None:
    """The file a finished job produced, while it is kept."""
    return db.session.get(FileBlob, job.result_file_id) if job.result_file_id else None


def iter_chunks(blob_id: int) -> Iterator[bytes]:
    """A file's bytes, one chunk per query (a download streams them without holding all)."""
    # One short query per chunk rather than one open cursor: a slow client then holds no
    # transaction or server-side cursor open while it reads.
    seq = 0
    while (
        data := db.session.scalar(
            select(FileChunk.data).where(FileChunk.blob_id == blob_id, FileChunk.seq == seq)
        )
    ) is not None:
        yield bytes(data)
        seq += 1


def read_bytes(blob: FileBlob) -> bytes:
    """A small file's whole content (a roster preview), read in one query."""
    pieces = db.session.scalars(
        select(FileChunk.data).where(FileChunk.blob_id == blob.id).order_by(FileChunk.seq)
    )
    return b"".join(bytes(piece) for piece in pieces)


def delete_files(blob_ids: list[int]) -> None:
    """Delete these files and their chunks; jobs that produced them forget them."""
    if not blob_ids:
        return
    # Explicit rather than ON DELETE: SQLite enforces foreign keys only when asked to.
    db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.result_file_id.in_(blob_ids))
        .values(result_file_id=None)
    )
    db.session.execute(delete(FileChunk).where(FileChunk.blob_id.in_(blob_ids)))
    db.session.execute(delete(FileBlob).where(FileBlob.id.in_(blob_ids)))


def remove_expired(now: datetime, purpose: str | None = None) -> int:
    """Delete every file (of `purpose`, if given) whose expiry has passed; returns how many."""
    query = select(FileBlob.id).where(FileBlob.expires_at < now)
    if purpose is not None:
        query = query.where(FileBlob.purpose == purpose)
    ids = list(db.session.scalars(query))
    delete_files(ids)
    return len(ids)

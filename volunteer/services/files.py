"""Files kept in the database, in chunks, so any host can read what another wrote.

Generated files (batch PDFs, whole-tree workbooks) and roster previews waiting for their
confirm step live here instead of on one host's disk. A file is written from a stream one
FILE_CHUNK_BYTES chunk at a time with plain INSERTs (the session's identity map does not
grow with the file) and read back one chunk per query, so neither side holds it whole.
Every file has an expiry; `remove_expired` deletes what is past it.

When FILE_STORE_S3_BUCKET is set, new files' bytes go to that bucket instead
(services/object_store.py) and the row says so (`stored_in`); a file is read from where its
row says it was written, so files kept before the setting changed stay readable.
"""

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from sqlalchemy import delete, event, insert, select, update
from sqlalchemy.orm import Session

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import BackgroundJob, FileBlob, FileChunk, FileStorage, User
from volunteer.services import object_store
from volunteer.services.errors import ServiceError

OBJECTS_TO_DELETE = "volunteer.objects_to_delete"  # Session.info key


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
    store = object_store.current_store()
    if store is not None:
        blob.stored_in = FileStorage.OBJECT_STORE
        blob.size = object_store.put_stream(store, blob.key, stream, max_bytes)
    else:
        blob.size, blob.chunks = _save_chunks(blob, stream, max_bytes)
    db.session.flush()
    return blob


def _save_chunks(blob: FileBlob, stream: BinaryIO, max_bytes: int | None) -> tuple[int, int]:
    """Write the stream as the blob's chunk rows; returns (size, chunks)."""
    size = chunks = 0
    while piece := stream.read(current_app.config["FILE_CHUNK_BYTES"]):
        size += len(piece)
        if max_bytes is not None and size > max_bytes:
            raise ServiceError(_l("The file is too large to keep."))
        db.session.execute(insert(FileChunk).values(blob_id=blob.id, seq=chunks, data=piece))
        chunks += 1
    return size, chunks


def find_file(key: str, purpose: str) -> FileBlob | None:
    """The file kept under `key` for `purpose`, or None."""
    return db.session.scalar(
        select(FileBlob).where(FileBlob.key == key, FileBlob.purpose == purpose)
    )


def file_of_job(job: BackgroundJob) -> FileBlob | None:
    """The file a finished job produced, while it is kept."""
    return db.session.get(FileBlob, job.result_file_id) if job.result_file_id else None


def iter_content(blob: FileBlob) -> Iterator[bytes]:
    """A file's bytes in chunks, from where it was written (a download streams them)."""
    if blob.stored_in == FileStorage.OBJECT_STORE:
        chunk_bytes = current_app.config["FILE_CHUNK_BYTES"]
        return object_store.iter_object(object_store.required_store(), blob.key, chunk_bytes)
    return _iter_chunks(blob.id)


def _iter_chunks(blob_id: int) -> Iterator[bytes]:
    """A database-kept file's bytes, one chunk per query."""
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
    if blob.stored_in == FileStorage.OBJECT_STORE:
        return b"".join(iter_content(blob))
    pieces = db.session.scalars(
        select(FileChunk.data).where(FileChunk.blob_id == blob.id).order_by(FileChunk.seq)
    )
    return b"".join(bytes(piece) for piece in pieces)


def delete_files(blob_ids: list[int]) -> int:
    """Delete these files and their chunks; jobs that produced them forget them; how many."""
    if not blob_ids:
        return 0
    # Explicit rather than ON DELETE: SQLite enforces foreign keys only when asked to.
    db.session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.result_file_id.in_(blob_ids))
        .values(result_file_id=None)
    )
    db.session.execute(delete(FileChunk).where(FileChunk.blob_id.in_(blob_ids)))
    removed = db.session.execute(
        delete(FileBlob)
        .where(FileBlob.id.in_(blob_ids))
        .returning(FileBlob.key, FileBlob.stored_in)
    ).all()
    in_store = [key for key, stored_in in removed if stored_in == FileStorage.OBJECT_STORE]
    # Their objects go once the rows' deletion commits: a rollback leaves both in place.
    db.session.info.setdefault(OBJECTS_TO_DELETE, []).extend(in_store)
    # The count is what this transaction deleted: a second one deleting the same file (two
    # imports of one preview) waits for the first on PostgreSQL's row lock and counts 0.
    return len(removed)


@event.listens_for(Session, "after_commit")
def _delete_objects_of_committed_deletes(session: Session) -> None:
    keys = session.info.pop(OBJECTS_TO_DELETE, None)
    store = object_store.current_store() if keys else None
    if store is None:
        return
    try:
        object_store.delete_objects(store, keys)
    except (BotoCoreError, ClientError):
        # The rows are gone already; their objects are now orphans the periodic sweep removes.
        current_app.logger.warning("Deleting %d kept objects failed", len(keys), exc_info=True)


@event.listens_for(Session, "after_rollback")
def _keep_objects_of_rolled_back_deletes(session: Session) -> None:
    session.info.pop(OBJECTS_TO_DELETE, None)


def remove_expired(now: datetime, purpose: str | None = None) -> int:
    """Delete every file (of `purpose`, if given) whose expiry has passed; returns how many."""
    query = select(FileBlob.id).where(FileBlob.expires_at < now)
    if purpose is not None:
        query = query.where(FileBlob.purpose == purpose)
    ids = list(db.session.scalars(query))
    delete_files(ids)
    return len(ids)


def remove_orphaned_objects(now: datetime) -> int:
    """Delete objects in the store that no file row names (their transaction rolled back)."""
    store = object_store.current_store()
    if store is None:
        return 0
    candidates = list(object_store.keys_older_than(store, now - object_store.ORPHAN_AGE))
    kept: set[str] = set()
    for start in range(0, len(candidates), object_store.DELETE_BATCH):
        batch = candidates[start : start + object_store.DELETE_BATCH]
        kept.update(db.session.scalars(select(FileBlob.key).where(FileBlob.key.in_(batch))))
    orphans = [key for key in candidates if key not in kept]
    object_store.delete_objects(store, orphans)
    return len(orphans)

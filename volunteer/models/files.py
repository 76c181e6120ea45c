"""Files kept in the database so that every host sees them: generated files and previews.

`StoredFile` (models/settings.py) holds one small upload in one row (the seal image); a
`FileBlob` may be large (a batch PDF of thousands of certificates, a whole-tree workbook,
the checked rows of a 50,000-line roster), so its bytes are split into `FileChunk` rows of
FILE_CHUNK_BYTES: written and read one chunk at a time, never whole in memory, and far
under any column size limit (PostgreSQL's bytea stops at 1 GB). Every blob expires; the
job worker deletes expired ones (services/files.remove_expired). With FILE_STORE_S3_BUCKET
set, a blob's bytes are an object in that bucket instead of chunks (`stored_in`).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow


class FileStorage(enum.StrEnum):
    """Where a kept file's bytes are: chunk rows, or an S3-compatible object store."""

    DATABASE = "database"
    OBJECT_STORE = "object_store"


class FileBlob(Base):
    """One kept file: what it is, whose it is, how big, and until when it is kept."""

    __tablename__ = "file_blobs"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index("ix_file_blobs_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random name (secrets.token_urlsafe) for look-ups from outside, e.g. a preview's token.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    chunks: Mapped[int] = mapped_column(default=0)  # chunk rows; 0 when in the object store
    stored_in: Mapped[FileStorage] = mapped_column(
        str_enum(FileStorage, "file_storage"),
        default=FileStorage.DATABASE,
        server_default=FileStorage.DATABASE.value,
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FileChunk(Base):
    """One piece of a kept file, numbered from 0."""

    __tablename__ = "file_chunks"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("file_blobs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)

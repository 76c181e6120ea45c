"""An S3-compatible object store for kept files, used when FILE_STORE_S3_BUCKET is set.

Without it, kept files live in the database (services/files.py), which every host already
shares. A large site may rather keep batch PDFs and whole-tree workbooks out of its database
backups: then their bytes go to a bucket (AWS S3, MinIO, Ceph, a cloud's OSS through its S3
API), under FILE_STORE_S3_PREFIX + the file's random key, while the `file_blobs` row keeps
what the file is, whose, and until when. Credentials come the usual boto3 way (environment
variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a shared credentials file, or an
instance role), never from this app's settings.

A file is written as one object, in parts of FILE_STORE_S3_PART_BYTES (a multipart upload
when larger), and read back in chunks: neither side holds it whole. The client is built on
first use, so starting the app touches no network.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from flask import Flask, current_app

from volunteer.i18n import lazy_gettext as _l
from volunteer.services.errors import ServiceError

EXTENSION = "object_store"
DELETE_BATCH = 1000  # S3's limit of keys per DeleteObjects call
# An object with no row this long after it was written belongs to a transaction that rolled
# back (the object is written before the row commits); far longer than any such transaction.
ORPHAN_AGE = timedelta(days=1)


@dataclass(frozen=True)
class ObjectStore:
    """A bucket, the prefix of this site's objects in it, and a client for it."""

    client: Any
    bucket: str
    prefix: str
    part_bytes: int

    def object_name(self, key: str) -> str:
        """The object's name in the bucket for a kept file's key."""
        return f"{self.prefix}{key}"


def current_store() -> ObjectStore | None:
    """The app's object store, or None when kept files live in the database."""
    app = current_app._get_current_object()
    if not app.config.get("FILE_STORE_S3_BUCKET"):
        return None
    if app.extensions.get(EXTENSION) is None:
        app.extensions[EXTENSION] = _build(app)
    return app.extensions[EXTENSION]


def required_store() -> ObjectStore:
    """The object store a file kept there needs; a clear error when it is not configured."""
    store = current_store()
    if store is None:
        raise ServiceError(
            _l("This file is kept in an object store that is not configured on this server.")
        )
    return store


def _build(app: Flask) -> ObjectStore:
    client = boto3.client(
        "s3",
        endpoint_url=app.config.get("FILE_STORE_S3_ENDPOINT_URL") or None,
        region_name=app.config.get("FILE_STORE_S3_REGION") or None,
        # Path-style addressing works with MinIO and other S3-compatible servers too.
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )
    return ObjectStore(
        client=client,
        bucket=app.config["FILE_STORE_S3_BUCKET"],
        prefix=app.config["FILE_STORE_S3_PREFIX"],
        part_bytes=app.config["FILE_STORE_S3_PART_BYTES"],
    )


def put_stream(store: ObjectStore, key: str, stream: BinaryIO, max_bytes: int | None) -> int:
    """Write the stream as the object of `key` and return its size; a stream past
    `max_bytes` is refused and nothing of it is left in the bucket."""
    first = _read_part(stream, store.part_bytes)
    _refuse_past(len(first), max_bytes)
    if len(first) < store.part_bytes:  # the whole file in one part: a plain PUT
        store.client.put_object(Bucket=store.bucket, Key=store.object_name(key), Body=first)
        return len(first)
    return _multipart_upload(store, key, first, stream, max_bytes)


def _multipart_upload(
    store: ObjectStore, key: str, first: bytes, stream: BinaryIO, max_bytes: int | None
) -> int:
    target = {"Bucket": store.bucket, "Key": store.object_name(key)}
    upload_id = store.client.create_multipart_upload(**target)["UploadId"]
    try:
        parts, size, piece = [], 0, first
        while piece:
            size += len(piece)
            _refuse_past(size, max_bytes)
            number = len(parts) + 1
            sent = store.client.upload_part(
                **target, UploadId=upload_id, PartNumber=number, Body=piece
            )
            parts.append({"ETag": sent["ETag"], "PartNumber": number})
            piece = _read_part(stream, store.part_bytes)
        store.client.complete_multipart_upload(
            **target, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
        return size
    except BaseException:
        # An unfinished upload's parts would stay (and be billed) until aborted.
        store.client.abort_multipart_upload(**target, UploadId=upload_id)
        raise


def _read_part(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes: a generated stream may return less than asked before its end."""
    pieces, wanted = [], size
    while wanted > 0 and (piece := stream.read(wanted)):
        pieces.append(piece)
        wanted -= len(piece)
    return b"".join(pieces)


def _refuse_past(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise ServiceError(_l("The file is too large to keep."))


def iter_object(store: ObjectStore, key: str, chunk_bytes: int) -> Iterator[bytes]:
    """The object's bytes in chunks, as a download streams them."""
    body = store.client.get_object(Bucket=store.bucket, Key=store.object_name(key))["Body"]
    try:
        yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()


def delete_objects(store: ObjectStore, keys: Iterable[str]) -> None:
    """Delete the objects of these keys (a missing one is no error)."""
    names = [{"Key": store.object_name(key)} for key in keys]
    for start in range(0, len(names), DELETE_BATCH):
        batch = names[start : start + DELETE_BATCH]
        store.client.delete_objects(Bucket=store.bucket, Delete={"Objects": batch, "Quiet": True})


def keys_older_than(store: ObjectStore, moment: datetime) -> Iterator[str]:
    """Keys of this site's objects last written before `moment` (for the orphan sweep)."""
    pages = store.client.get_paginator("list_objects_v2").paginate(
        Bucket=store.bucket, Prefix=store.prefix
    )
    for page in pages:
        for item in page.get("Contents", ()):
            if item["LastModified"] < moment:
                yield item["Key"][len(store.prefix) :]

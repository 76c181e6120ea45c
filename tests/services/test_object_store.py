"""Kept files in an S3-compatible bucket (FILE_STORE_S3_BUCKET), against moto's fake S3."""

import io
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import func, select

from tests.conftest import login
from tests.test_jobs import _batch_job, _world  # the jobs tests' small world and batch
from volunteer.extensions import db
from volunteer.models import (
    BackgroundJob,
    FileBlob,
    FileChunk,
    FileStorage,
    JobStatus,
    User,
    utcnow,
)
from volunteer.services import files, object_store
from volunteer.services.errors import ServiceError
from volunteer.tasks import runner as job_runner

BUCKET = "volunteer-files"
FIVE_MB = 5 * 1024 * 1024  # S3's smallest part but the last


@pytest.fixture
def bucket(app, monkeypatch):
    """A fake S3 bucket the app keeps its files in."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        app.config.update(FILE_STORE_S3_BUCKET=BUCKET, FILE_STORE_S3_REGION="us-east-1")
        app.extensions.pop(object_store.EXTENSION, None)
        yield s3
        app.extensions.pop(object_store.EXTENSION, None)


def _objects(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", ())]


def _keep(data: bytes, max_bytes: int | None = None, **row) -> FileBlob:
    expires = row.pop("expires_at", utcnow() + timedelta(days=1))
    return files.save_stream(
        io.BytesIO(data), "test", "名单.xlsx", "application/octet-stream", None, expires, max_bytes
    )


def test_a_kept_file_is_one_object_and_reads_back_whole(app, bucket):
    blob = _keep(b"roster bytes")
    db.session.commit()
    assert blob.stored_in == FileStorage.OBJECT_STORE and blob.size == 12
    assert _objects(bucket) == [f"volunteer/{blob.key}"]
    assert db.session.scalar(select(func.count()).select_from(FileChunk)) == 0
    assert files.read_bytes(blob) == b"roster bytes"


def test_a_large_file_goes_up_in_parts_and_streams_back_in_chunks(app, bucket):
    app.config.update(FILE_STORE_S3_PART_BYTES=FIVE_MB, FILE_CHUNK_BYTES=1024 * 1024)
    app.extensions.pop(object_store.EXTENSION, None)
    data = bytes(range(256)) * (11 * 1024 * 1024 // 256)  # 11 MB: three parts
    blob = _keep(data)
    db.session.commit()
    chunks = list(files.iter_content(blob))
    assert len(chunks) >= 11 and b"".join(chunks) == data and blob.size == len(data)


@pytest.mark.parametrize("size", [100, 6 * 1024 * 1024])
def test_a_file_past_its_limit_is_refused_and_leaves_nothing(app, bucket, size):
    app.config["FILE_STORE_S3_PART_BYTES"] = FIVE_MB
    app.extensions.pop(object_store.EXTENSION, None)
    with pytest.raises(ServiceError):
        _keep(b"x" * size, max_bytes=size - 1)
    db.session.rollback()
    assert _objects(bucket) == []
    assert bucket.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_an_object_goes_only_when_its_files_deletion_commits(app, bucket):
    blob = _keep(b"preview")
    db.session.commit()
    files.delete_files([blob.id])
    db.session.rollback()
    assert len(_objects(bucket)) == 1 and db.session.get(FileBlob, blob.id) is not None
    files.delete_files([blob.id])
    db.session.commit()
    assert _objects(bucket) == []


def test_expired_files_lose_their_objects(app, bucket):
    old = _keep(b"old", expires_at=utcnow() - timedelta(minutes=1))
    new = _keep(b"new")
    db.session.commit()
    assert _objects(bucket) == sorted(f"volunteer/{blob.key}" for blob in (old, new))
    assert files.remove_expired(utcnow()) == 1
    db.session.commit()
    assert _objects(bucket) == [f"volunteer/{new.key}"]


def test_the_sweep_deletes_day_old_objects_no_file_names(app, bucket):
    kept = _keep(b"kept")
    db.session.commit()
    bucket.put_object(Bucket=BUCKET, Key="volunteer/rolled-back", Body=b"orphan")
    bucket.put_object(Bucket=BUCKET, Key="another-site/theirs", Body=b"not ours")
    assert files.remove_orphaned_objects(utcnow()) == 0  # too young: its write may still commit
    assert files.remove_orphaned_objects(utcnow() + timedelta(days=2)) == 1
    assert sorted(_objects(bucket)) == ["another-site/theirs", f"volunteer/{kept.key}"]


def test_files_kept_in_the_database_before_the_store_stay_readable(app):
    blob = _keep(b"from before")
    db.session.commit()
    assert blob.stored_in == FileStorage.DATABASE
    with mock_aws():
        app.config["FILE_STORE_S3_BUCKET"] = BUCKET
        assert files.read_bytes(blob) == b"from before"
        files.delete_files([blob.id])
        db.session.commit()
    assert db.session.get(FileBlob, blob.id) is None


def test_a_file_in_the_store_without_the_store_configured_says_so(app, bucket):
    blob = _keep(b"elsewhere")
    db.session.commit()
    app.config["FILE_STORE_S3_BUCKET"] = None
    with pytest.raises(ServiceError, match="对象存储"):
        files.read_bytes(blob)


def test_a_batch_made_by_a_job_downloads_from_the_bucket(app, bucket, client):
    job = _finished_batch_job()
    blob = files.file_of_job(job)
    assert blob.stored_in == FileStorage.OBJECT_STORE
    login(client, db.session.get(User, job.created_by_id))
    response = client.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.data == files.read_bytes(blob)
    assert int(response.headers["Content-Length"]) == blob.size > 0


def _finished_batch_job() -> BackgroundJob:
    """A certificate batch of a small unit, run to the end."""
    job_id = _batch_job(_world()).id
    job_runner.run_job(job_id)
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.DONE, job.error
    return job

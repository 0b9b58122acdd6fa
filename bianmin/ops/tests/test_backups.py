"""Backups and restores; the restore drill: demo data → backup → a fresh empty database → restore → the same rows,
the same decrypted ID number, the same case timeline. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from bianmin.ops import archive_crypto
from bianmin.ops.backups import (
    BackupError,
    archive_verify,
    backup_create,
    backup_prune,
    backup_restore,
    last_migrations,
    table_counts,
    undecryptable_fields,
)

BACKUP_KEY = archive_crypto.generate_key()
PROJECT = Path(settings.BASE_DIR)

# Read back from the restored database by a separate process, exactly as an operator would find it.
PROBE = """
import json
from django.db import connection
from bianmin.cases.models import Case, CaseEvent
from bianmin.ops.backups import table_counts, undecryptable_fields
case = Case.objects.get(pk={pk})
print(json.dumps({{
    "counts": table_counts(),
    "id_number": case.applicant_id_number,
    "timeline": [list(row) for row in CaseEvent.objects.filter(case=case).order_by("pk").values_list(
        "verb", "from_state", "to_state", "actor_id", "note")],
    "undecryptable": undecryptable_fields(),
}}))
"""


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", force=True, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def fresh_database(tmp_path):
    """A database URL for an empty database of the same kind as the test database; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    params: dict[str, Any] = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None}
    password = db["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", password=password, autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    userinfo = db["USER"] + (f":{password}" if password else "")
    yield f"postgres://{userinfo}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", password=password, autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PYTEST_XDIST_WORKER")}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="1",
        SECRET_KEY=settings.SECRET_KEY,
        PERSONAL_DATA_KEYS=",".join(settings.PERSONAL_DATA_KEYS),
        BACKUP_KEY=BACKUP_KEY,
        BIANMIN_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return env


@pytest.mark.django_db(transaction=True)
def test_restore_drill(demo, fresh_database, tmp_path, settings):
    from bianmin.cases.models import Case, CaseEvent

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "materials").mkdir(parents=True)
    (tmp_path / "media" / "materials" / "scan.pdf").write_bytes(b"%PDF-1.4 scanned material")
    case = Case.objects.exclude(applicant_id_number="").order_by("pk").first()
    assert case is not None
    timeline = [
        list(row)
        for row in CaseEvent.objects.filter(case=case)
        .order_by("pk")
        .values_list("verb", "from_state", "to_state", "actor_id", "note")
    ]
    assert timeline
    counts = table_counts()

    archive = backup_create(directory=tmp_path / "backups", key=BACKUP_KEY, note=lambda _m: None)
    assert archive_crypto.is_encrypted(archive)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    env = _env(fresh_database, tmp_path)
    restored = _manage("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "恢复完成" in restored.stdout
    assert "无法解密" not in restored.stderr
    probe = _manage("shell", "-c", PROBE.format(pk=case.pk), env=env)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["counts"] == counts
    assert found["id_number"] == case.applicant_id_number
    assert found["timeline"] == timeline
    assert found["undecryptable"] == []
    assert (tmp_path / "var" / "media" / "materials" / "scan.pdf").read_bytes() == b"%PDF-1.4 scanned material"

    again = _manage("restore", str(archive), env=env)
    assert again.returncode != 0
    assert "目标数据库不是空的" in again.stderr


def _small_backup(tmp_path: Path, **kwargs) -> Path:
    return backup_create(directory=tmp_path / "backups", note=lambda _m: None, **kwargs)


def _rewrite(archive: Path, name: str, *, manifest=None, part=None) -> Path:
    """A copy of the archive with its manifest or one part's bytes changed."""
    out = archive.with_name(name)
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            stream = source.extractfile(member)
            assert stream is not None
            data = stream.read()
            if member.name == "manifest.json" and manifest:
                loaded = json.loads(data)
                manifest(loaded)
                data = json.dumps(loaded).encode()
            if member.name == part:
                data = data[:-1] + bytes([data[-1] ^ 1])
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


@pytest.mark.django_db(transaction=True)
def test_backup_records_its_success_for_the_health_page(tmp_path):
    from bianmin.core.models import Heartbeat

    archive = _small_backup(tmp_path)

    beat = Heartbeat.objects.get(kind=Heartbeat.Kind.BACKUP)
    assert beat.instance == archive.name
    manifest = archive_verify(archive, tmp_path / "check")
    assert manifest["migrations"] == last_migrations()
    assert "core" in manifest["migrations"]
    assert manifest["row_counts"]["auth_user"] == table_counts()["auth_user"]
    assert set(manifest["parts"]) == {manifest["database"]["file"], "media.tar.gz"}


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused(tmp_path):
    damaged = _rewrite(_small_backup(tmp_path), "damaged.tar", part="media.tar.gz")

    with pytest.raises(BackupError, match="校验值与清单不符"):
        archive_verify(damaged, tmp_path / "check")


@pytest.mark.django_db(transaction=True)
def test_an_archive_from_a_newer_version_is_refused(tmp_path):
    archive = _small_backup(tmp_path)
    newer = _rewrite(archive, "newer.tar", manifest=lambda m: m.update(version="99.0.0"))
    unknown = _rewrite(archive, "unknown.tar", manifest=lambda m: m["migrations"].update(core="9999_from_the_future"))

    with pytest.raises(BackupError, match=r"较新的版本 99\.0\.0"):
        backup_restore(archive=newer, note=lambda _m: None)
    with pytest.raises(BackupError, match=r"core\.9999_from_the_future"):
        backup_restore(archive=unknown, note=lambda _m: None)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    with pytest.raises(BackupError, match="目标数据库不是空的"):
        backup_restore(archive=_small_backup(tmp_path), note=lambda _m: None)


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_archive_needs_the_right_backup_key(tmp_path):
    archive = _small_backup(tmp_path, key=BACKUP_KEY)

    with pytest.raises(BackupError, match="已加密"):
        archive_verify(archive, tmp_path / "a")
    with pytest.raises(BackupError, match="备份密钥不符"):
        archive_verify(archive, tmp_path / "b", key=archive_crypto.generate_key())
    assert archive_verify(archive, tmp_path / "c", key=BACKUP_KEY)["application"] == "bianmin"


def test_encrypted_stream_round_trips_and_detects_truncation():
    data = os.urandom(archive_crypto.CHUNK * 2 + 17)
    sealed = io.BytesIO()
    archive_crypto.encrypt_stream(io.BytesIO(data), sealed, key=BACKUP_KEY)
    opened = io.BytesIO()
    archive_crypto.decrypt_stream(io.BytesIO(sealed.getvalue()), opened, key=BACKUP_KEY)
    assert opened.getvalue() == data

    # Cut after the first chunk: its tag is valid but it is not marked last.
    first = len(archive_crypto.MAGIC) + 8 + 4 + archive_crypto.CHUNK + 16
    with pytest.raises(archive_crypto.BackupKeyError, match="截断"):
        archive_crypto.decrypt_stream(io.BytesIO(sealed.getvalue()[:first]), io.BytesIO(), key=BACKUP_KEY)
    with pytest.raises(archive_crypto.BackupKeyError, match="格式不正确"):
        archive_crypto.encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), key="short")


def test_retention_keeps_newest_per_day_and_per_month(tmp_path):
    names = [
        "bianmin-backup-20261203-020000.tar",
        "bianmin-backup-20261203-010000.tar",  # older of the same day
        "bianmin-backup-20261202-020000.tar.enc",
        "bianmin-backup-20261201-020000.tar",
        "bianmin-backup-20261130-020000.tar",  # newest of November
        "bianmin-backup-20261129-020000.tar",
        "bianmin-backup-20261031-020000.tar",  # newest of October
        "bianmin-backup-20260930-020000.tar",  # beyond two months
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")

    removed = backup_prune(directory=tmp_path, keep_daily=3, keep_monthly=3)

    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == sorted(
        [
            "bianmin-backup-20261203-020000.tar",
            "bianmin-backup-20261202-020000.tar.enc",
            "bianmin-backup-20261201-020000.tar",
            "bianmin-backup-20261130-020000.tar",
            "bianmin-backup-20261031-020000.tar",
            "notes.txt",
        ]
    )
    assert len(removed) == 3


@pytest.mark.django_db
def test_restore_warns_when_the_personal_data_key_cannot_decrypt(settings):
    from bianmin.org.tests.factories import StaffFactory

    StaffFactory(phone="13800138000")
    assert undecryptable_fields() == []

    settings.PERSONAL_DATA_KEYS = ["another-key-than-the-one-that-encrypted-0123456789"]

    assert "org.Staff.phone" in undecryptable_fields()


def test_an_older_archive_is_migrated_forward(tmp_path):
    import hashlib
    import sqlite3

    from bianmin.ops.release import app_version

    # An archive written before the heartbeat table existed (core at 0002).
    old = tmp_path / "old.sqlite3"
    env = _env(f"sqlite:///{old}", tmp_path)
    for args in (("migrate", "-v0"), ("migrate", "core", "0002", "-v0")):
        done = _manage(*args, env=env)
        assert done.returncode == 0, done.stderr
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "database.sqlite3").write_bytes(old.read_bytes())
    with tarfile.open(parts / "media.tar.gz", "w:gz"):
        pass
    with sqlite3.connect(old) as db:
        migrations: dict[str, str] = {}
        for app, name in db.execute("SELECT app, name FROM django_migrations"):
            migrations[app] = max(name, migrations.get(app, ""))
        tables = [
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        counts = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    assert migrations["core"] == "0002_periodicrun"
    manifest = {
        "format": 1,
        "application": "bianmin",
        "version": app_version(),
        "commit": "",
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": "sqlite", "file": "database.sqlite3"},
        "migrations": migrations,
        "row_counts": counts,
        "media_files": 0,
        "parts": {
            name: {
                "size": (parts / name).stat().st_size,
                "sha256": hashlib.sha256((parts / name).read_bytes()).hexdigest(),
            }
            for name in ("database.sqlite3", "media.tar.gz")
        },
    }
    (parts / "manifest.json").write_text(json.dumps(manifest))
    archive = tmp_path / "bianmin-backup-20260101-000000.tar"
    with tarfile.open(archive, "w") as tar:
        for name in ("manifest.json", "database.sqlite3", "media.tar.gz"):
            tar.add(parts / name, arcname=name)

    restored = _manage("restore", str(archive), env=_env(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path))

    assert restored.returncode == 0, restored.stderr
    assert "已迁移到当前版本：" in restored.stdout
    assert "_heartbeat" in restored.stdout  # the migration that adds core.Heartbeat, whatever its number
    assert "恢复完成" in restored.stdout

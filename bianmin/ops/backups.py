"""Backups and restores: one archive holding a consistent database dump, the media files and a manifest.

The archive is a tar of ``manifest.json``, ``database.dump`` (PostgreSQL: ``pg_dump`` custom format) or
``database.sqlite3`` (SQLite: the online backup API) and ``media.tar.gz``. The manifest names the application's
version and commit, the last migration of each app, the time, every table's row count and the size and SHA-256 of
each part. With a backup key the whole archive is encrypted (`archive_crypto`)."""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core import personal_data
from bianmin.core.models import Heartbeat
from bianmin.core.services import heartbeat_record
from bianmin.ops import archive_crypto
from bianmin.ops.release import app_commit, app_version, version_tuple

FORMAT = 1
NAME_PATTERN = re.compile(r"^bianmin-backup-(\d{8})-(\d{6})\.tar(\.enc)?$")
MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    applied_migrations: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    count_differences: dict[str, tuple[int, int]] = field(default_factory=dict)
    undecryptable: list[str] = field(default_factory=list)
    media_files: int = 0


# --- helpers ---


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor() -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(_("不支持的数据库类型：%(v)s") % {"v": connection.vendor})
    return connection.vendor


def _pg_tool(name: str) -> str:
    configured = getattr(settings, "BIANMIN_PG_BIN", "")
    if configured:
        return str(Path(configured) / name)
    # The newest installed client first: pg_dump must not be older than the server.
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version_tuple, reverse=True):
        return candidate
    found = shutil.which(name)
    if not found:
        raise BackupError(_("找不到 %(tool)s：请安装 postgresql-client。") % {"tool": name})
    return found


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return [*args, "-d", str(db["NAME"])], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name}: {done.stderr.strip()[-2000:]}")


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count_rows(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)


def last_migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


# --- backup ---


def backup_dir() -> Path:
    return Path(settings.BIANMIN_BACKUP_DIR)


def _count_rows(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _dump_database(target_dir: Path) -> tuple[Path, dict[str, int]]:
    """The dump and every table's row count, both of one consistent snapshot of the database."""
    if _vendor() == "postgresql":
        path = target_dir / "database.dump"
        args, env = _pg_args()
        outermost = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            # pg_dump reads the very snapshot this transaction counts in.
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(cursor, connection.introspection.table_names(cursor), connection.ops.quote_name)
            _run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(path),
                    *args,
                ],
                env,
            )
        return path, counts
    if connection.in_atomic_block:
        # SQLite's online backup waits for the writer to finish; from inside its own transaction it would wait forever.
        raise BackupError(_("SQLite 数据库不能在事务中备份。"))
    path = target_dir / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)  # a consistent copy while the application keeps writing
        tables = [
            row[0]
            for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        counts = _count_rows(copy.cursor(), tables, connection.ops.quote_name)
    finally:
        copy.close()
    return path, counts


def _pack_media(target_dir: Path) -> tuple[Path, int]:
    path = target_dir / MEDIA
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(path, "w:gz") as tar:
        if media_root.is_dir():
            for item in sorted(media_root.rglob("*")):
                if item.is_file():
                    tar.add(item, arcname=str(item.relative_to(media_root)), recursive=False)
                    files += 1
    return path, files


def backup_create(
    *, directory: Path | None = None, key: str = "", now: dt.datetime | None = None, note: Callable[[str], None] = print
) -> Path:
    """Write one archive into `directory` (the backup directory) and record the success for the health page."""
    now = now or timezone.now()
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"bianmin-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar" + (".enc" if key else "")
    final = directory / name
    if final.exists():
        raise BackupError(_("备份文件已存在：%(path)s") % {"path": final})
    with tempfile.TemporaryDirectory(dir=directory, prefix=".partial-") as work:
        work_dir = Path(work)
        database, counts = _dump_database(work_dir)
        media, media_files = _pack_media(work_dir)
        manifest = {
            "format": FORMAT,
            "application": "bianmin",
            "version": app_version(),
            "commit": app_commit(),
            "created_at": now.isoformat(),
            "database": {"vendor": _vendor(), "file": database.name},
            "migrations": last_migrations(),
            "row_counts": counts,
            "media_files": media_files,
            "parts": {part.name: {"size": part.stat().st_size, "sha256": _sha256(part)} for part in (database, media)},
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        plain = work_dir / "archive.tar"
        with tarfile.open(plain, "w") as tar:
            for part in (MANIFEST, database.name, MEDIA):
                tar.add(work_dir / part, arcname=part)
        partial = work_dir / name
        if key:
            with open(plain, "rb") as source, open(partial, "wb") as target:
                archive_crypto.encrypt_stream(source, target, key=key)
        else:
            plain.rename(partial)
        os.chmod(partial, 0o600)
        partial.rename(final)  # same directory: the archive appears whole or not at all
    size = final.stat().st_size
    heartbeat_record(kind=Heartbeat.Kind.BACKUP, instance=name, detail=f"{size} B", now=now)
    note(_("已备份：%(path)s（%(size)s 字节）") % {"path": final, "size": size})
    return final


def backup_prune(*, directory: Path | None = None, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Keep the newest archive of each of the last `keep_daily` days and of the last `keep_monthly` months that have
    one; delete the other archives."""
    directory = directory or backup_dir()
    archives = []
    for path in directory.glob("bianmin-backup-*.tar*"):
        match = NAME_PATTERN.match(path.name)
        if match:
            archives.append((match.group(1) + match.group(2), path))
    archives.sort(reverse=True)
    keep: set[Path] = set()
    days: set[str] = set()
    months: set[str] = set()
    for stamp, path in archives:
        day, month = stamp[:8], stamp[:6]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(path)
        if month not in months and len(months) < keep_monthly:
            months.add(month)
            keep.add(path)
    removed = [path for _stamp, path in archives if path not in keep]
    for path in removed:
        path.unlink()
    return removed


# --- restore ---


def _open_archive(archive: Path, work_dir: Path, key: str) -> Path:
    if archive_crypto.is_encrypted(archive):
        if not key:
            raise BackupError(_("该备份已加密：请提供备份密钥（BACKUP_KEY 或 --key-file）。"))
        plain = work_dir / "archive.tar"
        try:
            with open(archive, "rb") as source, open(plain, "wb") as target:
                archive_crypto.decrypt_stream(source, target, key=key)
        except archive_crypto.BackupKeyError as exc:
            raise BackupError(str(exc)) from exc
        return plain
    return archive


def archive_verify(archive: Path, work_dir: Path, *, key: str = "") -> dict[str, Any]:
    """Unpack into `work_dir` and check the manifest and every part's size and checksum; answer the manifest."""
    work_dir.mkdir(parents=True, exist_ok=True)
    plain = _open_archive(archive, work_dir, key)
    try:
        with tarfile.open(plain) as tar:
            tar.extractall(work_dir, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("备份文件无法读取：%(e)s") % {"e": exc}) from exc
    try:
        manifest: dict[str, Any] = json.loads((work_dir / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(_("备份缺少清单（manifest.json）或清单已损坏。")) from exc
    if manifest.get("application") != "bianmin" or manifest.get("format") != FORMAT:
        raise BackupError(_("不是本系统的备份，或备份格式不受支持。"))
    for part, expected in manifest["parts"].items():
        path = work_dir / part
        if not path.is_file() or path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(_("备份已损坏：%(part)s 的大小或校验值与清单不符。") % {"part": part})
    return manifest


def _refuse_newer(manifest: dict[str, Any]) -> None:
    if version_tuple(manifest["version"]) > version_tuple(app_version()):
        raise BackupError(
            _("该备份来自较新的版本 %(theirs)s，当前为 %(ours)s：请先升级系统再恢复。")
            % {"theirs": manifest["version"], "ours": app_version()}
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known]
    if unknown:
        raise BackupError(
            _("该备份包含当前版本没有的数据库迁移（%(names)s）：它来自较新的版本，请先升级系统再恢复。")
            % {"names": "、".join(unknown)}
        )


def _refuse_non_empty() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise BackupError(
            _("目标数据库不是空的（已有 %(n)s 张表）：恢复只写入空数据库，请新建一个空数据库后再恢复。")
            % {"n": len(tables)}
        )


def _load_database(manifest: dict[str, Any], work_dir: Path) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != _vendor():
        raise BackupError(
            _("该备份来自 %(theirs)s 数据库，当前为 %(ours)s：不能跨数据库类型恢复。")
            % {"theirs": vendor, "ours": _vendor()}
        )
    dump = work_dir / manifest["database"]["file"]
    if vendor == "postgresql":
        args, env = _pg_args()
        _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)], env)
        return
    source = sqlite3.connect(dump)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_media(work_dir: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(work_dir / MEDIA) as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        tar.extractall(media_root, members=members, filter="data")
    return len(members)


def undecryptable_fields(*, sample: int = 3) -> list[str]:
    """The encrypted columns whose stored values the running PERSONAL_DATA_KEY cannot decrypt (a few rows each)."""
    failing = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for model_field in model._meta.concrete_fields:
                if not isinstance(model_field, personal_data.EncryptedCharField):
                    continue
                table, column = model._meta.db_table, model_field.column
                q = connection.ops.quote_name
                cursor.execute(
                    f"SELECT {q(column)} FROM {q(table)} WHERE {q(column)} IS NOT NULL AND {q(column)} <> '' "  # noqa: S608
                    f"LIMIT {int(sample)}"
                )
                for (token,) in cursor.fetchall():
                    try:
                        personal_data.decrypt(token)
                    except ValueError:
                        failing.append(f"{model._meta.label}.{model_field.name}")
                        break
    return failing


def backup_restore(*, archive: Path, key: str = "", note: Callable[[str], None] = print) -> RestoreReport:
    """Verify, refuse a newer or damaged archive or a database that is not empty, load, migrate forward, count."""
    if not archive.is_file():
        raise BackupError(_("找不到备份文件：%(path)s") % {"path": archive})
    with tempfile.TemporaryDirectory(prefix="bianmin-restore-") as work:
        work_dir = Path(work)
        manifest = archive_verify(archive, work_dir, key=key)
        note(
            _("备份已校验：版本 %(version)s，生成于 %(at)s。")
            % {"version": manifest["version"], "at": manifest["created_at"]}
        )
        _refuse_newer(manifest)
        _refuse_non_empty()
        _load_database(manifest, work_dir)
        media_files = _restore_media(work_dir)
    connection.close()  # the restored schema replaces what this connection may have cached
    before = set(MigrationRecorder(connection).applied_migrations())
    call_command("migrate", interactive=False, verbosity=0)
    applied = sorted(f"{app}.{name}" for app, name in set(MigrationRecorder(connection).applied_migrations()) - before)
    counts = table_counts()
    differences = {
        table: (expected, counts.get(table, 0))
        for table, expected in manifest["row_counts"].items()
        if counts.get(table, 0) != expected and table != "django_migrations"
    }
    return RestoreReport(
        manifest=manifest,
        applied_migrations=applied,
        counts=counts,
        count_differences=differences,
        undecryptable=undecryptable_fields(),
        media_files=media_files,
    )

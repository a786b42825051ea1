"""`manage.py backup` then `manage.py restore` into a fresh PostgreSQL database finds the same
records and the same files; a non-empty database is refused without --force."""

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from collaboration.models import Programme, Recommendation
from portal.models import User
from portal.uploads import private_storage
from tests.conftest import require_service
from tests.factories import ProgrammeFactory, RecommendationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _restore(folder: Path, database: str, media: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "MEDIA_ROOT": str(media),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _query(database: str, sql: str) -> list[tuple]:  # the SQL is built from model metadata
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=database)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


def _drop(database: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    conn.close()


def test_backup_restores_into_a_fresh_database_with_the_same_records_and_files(tmp_path, ministry):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    programme = ProgrammeFactory(name="Genomic surveillance of AMR")
    recommendations = RecommendationFactory.create_batch(3, programme=programme)
    storage = private_storage()
    stored = storage.save("mou/signed.pdf", ContentFile(b"%PDF-1.4\nsigned\n%%EOF\n"))
    with storage.open(stored) as handle:
        original_hash = hashlib.sha256(handle.read()).hexdigest()

    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.dump", "media.tar.gz"}
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]

    restored_db = f"{connection.settings_dict['NAME']}_restore"
    restored_media = tmp_path / "restored-media"
    _drop(restored_db)
    try:
        result = _restore(folder, restored_db, restored_media)
        assert result.returncode == 0, result.stderr

        counts = {
            model: _query(restored_db, f"SELECT count(*) FROM {model._meta.db_table}")[0][0]  # noqa: S608
            for model in (User, Programme, Recommendation)
        }
        assert counts == {
            User: User.objects.count(),
            Programme: Programme.objects.count(),
            Recommendation: Recommendation.objects.count(),
        }
        titles = _query(
            restored_db,
            f"SELECT id, title FROM {Recommendation._meta.db_table} ORDER BY id",  # noqa: S608
        )
        assert titles == sorted((r.pk, r.title) for r in recommendations)
        assert _query(
            restored_db,
            f"SELECT name FROM {Programme._meta.db_table} WHERE id = {programme.pk}",  # noqa: S608
        ) == [("Genomic surveillance of AMR",)]
        assert _query(
            restored_db,
            f"SELECT username FROM {User._meta.db_table} WHERE id = {ministry.pk}",  # noqa: S608
        ) == [("ministry",)]
        restored_file = restored_media / "private" / stored
        assert hashlib.sha256(restored_file.read_bytes()).hexdigest() == original_hash

        # Restoring again over the now non-empty database is refused without --force …
        again = _restore(folder, restored_db, tmp_path / "other-media")
        assert again.returncode != 0
        assert "is not empty" in again.stderr
        # … and replaces it with --force.
        forced = _restore(folder, restored_db, tmp_path / "other-media", "--force")
        assert forced.returncode == 0, forced.stderr
        assert _query(restored_db, f"SELECT count(*) FROM {Programme._meta.db_table}")[0][0] == 1  # noqa: S608
    finally:
        _drop(restored_db)


def test_restore_refuses_a_tampered_backup(tmp_path, ministry):
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    call_command("backup", output_dir=str(tmp_path), stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    with (folder / "media.tar.gz").open("ab") as handle:
        handle.write(b"x")

    result = _restore(folder, f"{connection.settings_dict['NAME']}_never", tmp_path / "m")

    assert result.returncode != 0
    assert "does not match its SHA-256" in result.stderr
    assert settings.MEDIA_ROOT

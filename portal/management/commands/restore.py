"""`manage.py restore <backup dir>` (make restore BACKUP=<dir>): into a fresh database.

The database named by DATABASE_URL is created if it does not exist; one that already holds
tables is refused unless --force (FORCE=1), which replaces its contents. Every file's SHA-256
is checked against the manifest first. MEDIA_ROOT receives the uploaded files.
"""

import json
import shutil
import sqlite3
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import MANIFEST, MEDIA_TAR, PG_DUMP, SQLITE_COPY, pg_environment, run, sha256_file


def _verify(folder: Path) -> dict:
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise CommandError(f"{folder} has no {MANIFEST}: not a portal backup.")
    manifest = json.loads(manifest_path.read_text())
    for name, entry in manifest["files"].items():
        path = folder / name
        if not path.exists() or sha256_file(path) != entry["sha256"]:
            raise CommandError(f"{name} is missing or does not match its SHA-256 in the manifest.")
    return manifest


def _ensure_postgres_database(db: dict) -> None:
    """Create the target database when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    params = {
        k: v
        for k, v in {
            "host": db.get("HOST"),
            "port": db.get("PORT"),
            "user": db.get("USER"),
            "password": db.get("PASSWORD"),
        }.items()
        if v
    }
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    finally:
        conn.close()


class Command(BaseCommand):
    help = "Restore a backup (from manage.py backup) into a fresh database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backups/<timestamp> folder.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already has tables."
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        folder = Path(options["backup"])
        manifest = _verify(folder)
        connection = connections[options["database"]]
        db = connection.settings_dict
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise CommandError(f"The backup is of {vendor}; DATABASE_URL is {connection.vendor}.")
        force = options["force"]

        if vendor == "postgresql":
            _ensure_postgres_database(db)
            connection.close()
            existing = connection.introspection.table_names()
            connection.close()
            if existing and not force:
                raise CommandError(
                    f"Database {db['NAME']} is not empty ({len(existing)} tables); "
                    "restore into a fresh database, or pass --force (FORCE=1) to replace it."
                )
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                       f"--dbname={db['NAME']}"]  # fmt: skip
            if existing:
                command += ["--clean", "--if-exists"]
            run([*command, str(folder / PG_DUMP)], pg_environment(db))
        else:
            target = Path(db["NAME"])
            if target.exists() and target.stat().st_size > 0:
                connection.close()
                with sqlite3.connect(target) as check:
                    tables = check.execute(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                    ).fetchone()[0]
                if tables and not force:
                    raise CommandError(
                        f"{target} is not empty; restore into a fresh file or pass --force."
                    )
            shutil.copyfile(folder / SQLITE_COPY, target)

        media_root = Path(settings.MEDIA_ROOT)
        if media_root.exists() and any(media_root.iterdir()) and not force:
            raise CommandError(f"MEDIA_ROOT {media_root} is not empty; pass --force to add to it.")
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA_TAR, "r:gz") as archive:
            archive.extractall(media_root, filter="data")
        self.stdout.write(f"Restored {folder} into {db['NAME']} and {media_root}.")

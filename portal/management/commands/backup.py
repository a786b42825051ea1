"""`manage.py backup` (make backup): the database and the uploaded files, with SHA-256 hashes.

Writes backups/<UTC timestamp>/ containing
  database.dump   pg_dump custom format (PostgreSQL), or database.sqlite3 (a consistent copy)
  media.tar.gz    everything under MEDIA_ROOT
  manifest.json   what was backed up, when, and the SHA-256 of each file
Restore with `manage.py restore <dir>` (make restore BACKUP=<dir>).
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar.gz"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_environment(db: dict[str, Any]) -> dict[str, str]:
    """libpq variables for pg_dump / pg_restore, from a Django database setting."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[name] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = "Back up the database and MEDIA_ROOT into backups/<timestamp>/ with a SHA-256 manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder that receives the <timestamp> folder (default: ./backups).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
        target = Path(options["output_dir"]) / stamp
        target.mkdir(parents=True, exist_ok=False)
        connection = connections[options["database"]]
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            database_file = target / PG_DUMP
            run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={database_file}", db["NAME"]],
                pg_environment(db),
            )  # fmt: skip
        elif connection.vendor == "sqlite":
            database_file = target / SQLITE_COPY
            source = sqlite3.connect(db["NAME"])
            copy = sqlite3.connect(database_file)
            with copy:
                source.backup(copy)  # consistent even while the portal writes
            source.close()
            copy.close()
        else:
            raise CommandError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")

        media_root = Path(settings.MEDIA_ROOT)
        media_file = target / MEDIA_TAR
        with tarfile.open(media_file, "w:gz") as archive:
            if media_root.exists():
                archive.add(media_root, arcname=".")

        manifest = {
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "name": str(db["NAME"])},
            "files": {
                path.name: {"sha256": sha256_file(path), "size": path.stat().st_size}
                for path in (database_file, media_file)
            },
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        self.stdout.write(str(target))

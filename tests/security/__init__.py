"""Security: logins, sessions, headers, backups, concurrency, idempotency."""

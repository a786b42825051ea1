"""The bare limit: the recommendations list page with no framework at all.

A plain WSGI callable, served by gunicorn with the same workers as the portal, answering
`/recommendations/` with the same 25 rows as GET /api/v1/recommendations/ and the same nesting
(authors, priority areas, capabilities, creator), built as JSON by one PostgreSQL query over a
connection kept per worker. No Django, no authentication, no middleware: what this machine can
do at best for that page, the yardstick of `make bench`.
"""

import os
from urllib.parse import urlparse

import psycopg2

PAGE_SIZE = 25

_PERSON = (
    "json_build_object('id', u.id, 'username', u.username, 'name', "
    "coalesce(nullif(u.full_name, ''), nullif(trim(u.first_name || ' ' || u.last_name), ''), "
    "u.username))"
)

QUERY = f"""
WITH page AS (
    SELECT r.* FROM collaboration_recommendation r
    WHERE r.archived_at IS NULL
    ORDER BY r.updated_at DESC, r.id DESC
    LIMIT {PAGE_SIZE}
)
SELECT json_build_object(
    'count', (SELECT count(*) FROM collaboration_recommendation WHERE archived_at IS NULL),
    'next', NULL,
    'previous', NULL,
    'results', coalesce(json_agg(json_build_object(
        'id', p.id, 'programme', p.programme_id, 'title', p.title, 'summary', p.summary,
        'estimated_cost_pkr', p.estimated_cost_pkr, 'status', p.status,
        'status_label', p.status, 'revision', p.revision, 'version', p.version,
        'official_reference', p.official_reference,
        'authors', (SELECT coalesce(json_agg({_PERSON}), '[]') FROM portal_user u
                    JOIN collaboration_recommendation_authors a ON a.user_id = u.id
                    WHERE a.recommendation_id = p.id),
        'priority_areas', (SELECT coalesce(json_agg(json_build_object('slug', x.slug,
                                  'name', x.name)), '[]')
                           FROM collaboration_priorityarea x
                           JOIN collaboration_recommendation_priority_areas m
                             ON m.priorityarea_id = x.id
                           WHERE m.recommendation_id = p.id),
        'capabilities', (SELECT coalesce(json_agg(json_build_object('id', c.id,
                                'name', c.name)), '[]')
                         FROM collaboration_capability c
                         JOIN collaboration_recommendation_capabilities m
                           ON m.capability_id = c.id
                         WHERE m.recommendation_id = p.id),
        'created_by', (SELECT {_PERSON} FROM portal_user u WHERE u.id = p.created_by_id),
        'created_at', p.created_at, 'updated_at', p.updated_at, 'archived_at', p.archived_at,
        'available_transitions', '[]'::json
    ) ORDER BY p.updated_at DESC, p.id DESC), '[]')
)::text
FROM page p
"""  # noqa: S608 - no input reaches it

_connection = None


def _cursor():
    global _connection
    if _connection is None or _connection.closed:
        url = urlparse(os.environ["BENCH_DATABASE_URL"])
        _connection = psycopg2.connect(
            dbname=url.path.lstrip("/"),
            user=url.username,
            password=url.password,
            host=url.hostname,
            port=url.port or 5432,
        )
        _connection.autocommit = True
    return _connection.cursor()


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    with _cursor() as cursor:
        cursor.execute(QUERY)
        body = cursor.fetchone()[0].encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]

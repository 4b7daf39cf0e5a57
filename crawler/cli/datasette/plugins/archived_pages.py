"""Datasette plugin (loaded by `portalcheck serve`): a run's archived pages,
read-only, from its WACZ (docs/archive.md).

`/-/archive/<run>/<uuid>` answers the record `<urn:uuid:…>` of run <run>'s
archive: an archived page as it was received (decompressed), or a screenshot.
Nothing a page says reaches a path or runs: the run and record come from the
address and must match a record the run's own rows name; the WACZ path comes
from the database; a page is sent under `Content-Security-Policy: sandbox` with
`default-src 'none'` (no script, no request, no form, an opaque origin). The
`archive_record_id` and `screenshot_record_id` cells of the results tables link
here.
"""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from results.archive import ArchiveReader, decoded_body
from results.screenshots import media_type_of

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_RECORD = re.compile(r"^<urn:uuid:([0-9a-f-]{36})>$")
MAX_SHOWN_BYTES = 10 * 1024 * 1024
_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_BELONGS = ("SELECT 1 FROM fetches WHERE run_id = :run AND (archive_record_id = :rec OR screenshot_record_id = :rec) "
            "UNION ALL SELECT 1 FROM observations WHERE run_id = :run AND archive_record_id = :rec LIMIT 1")


@functools.lru_cache(maxsize=4)
def _reader(path: str, mtime_ns: int) -> ArchiveReader:
    return ArchiveReader(path)


def _not_found(message: str) -> Response:
    return Response.text(message, status=404, headers=_HEADERS)


async def archived(datasette, request):
    run, uuid = request.url_vars["run"], request.url_vars["uuid"]
    if not run.isdigit() or not _UUID.match(uuid):
        return _not_found("not an archived record")
    record_id = f"<urn:uuid:{uuid}>"
    db = datasette.get_database()
    params = {"run": int(run), "rec": record_id}
    if not (await db.execute(_BELONGS, params)).rows:
        return _not_found("this run names no such record")
    # a re-judgement's rows name the records of the archive it judged
    row = (await db.execute("SELECT COALESCE(r.archive_path, o.archive_path) AS archive_path FROM runs r "
                            "LEFT JOIN runs o ON o.id = r.rejudge_of WHERE r.id = :run", params)).first()
    path = row["archive_path"] if row else None
    if not path or not os.path.isfile(path):
        return _not_found("the run's archive is missing")
    answer = _reader(path, Path(path).stat().st_mtime_ns).record(record_id)
    if answer is None:
        return _not_found("the record is not in the run's archive")
    if answer.status is None:  # a screenshot (resource record)
        media_type = media_type_of(answer.body)   # what the bytes are, never what the record claims
        if media_type is None:
            return _not_found("not a page")
        return Response(answer.body, content_type=media_type, headers=_HEADERS)
    body = decoded_body(answer, MAX_SHOWN_BYTES)
    content_type = next((v for k, v in answer.headers if k.lower() == "content-type"), "text/html")
    if not re.match(r"^(text/|application/(xhtml\+)?xml|application/json)", content_type.strip(), re.I):
        content_type = "text/plain"  # never a type a browser would run or hand to a plug-in
    return Response(body, status=200, content_type=content_type, headers=_HEADERS)


@hookimpl
def register_routes():
    return [(r"^/-/archive/(?P<run>[0-9]+)/(?P<uuid>[0-9a-f-]+)$", archived)]


@hookimpl
def render_cell(row, value, column, table):
    if column not in ("archive_record_id", "screenshot_record_id") or not isinstance(value, str):
        return None
    found = _RECORD.match(value)
    try:
        run = row["run_id"]
        # a foreign key Datasette expanded to {"value", "label"}
        run = int(run["value"] if isinstance(run, dict) else run)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not found:
        return None
    return Markup(f'<a href="/-/archive/{run}/{found.group(1)}">{escape(value)}</a>')

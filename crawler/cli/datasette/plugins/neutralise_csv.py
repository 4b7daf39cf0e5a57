"""Datasette plugin (loaded by `portalcheck serve` with --plugins-dir): every
CSV that Datasette sends — a table, a view, a canned or ad-hoc query, streamed
or not — has its formula-like cells neutralised (results.spreadsheet), so a
service named `=HYPERLINK(...)` on a portal cannot run in the spreadsheet of
the official who downloaded the table.

Datasette has no hook for its CSV rows, so this is ASGI middleware: the
response body is re-read record by record (a newline outside quotes ends a
record), each field passed through `neutralise`, and written again with the
same dialect Datasette uses (csv module defaults, CRLF).

A CSV downloaded as a file (`_dl`, Datasette's "download file" option) starts
with a UTF-8 byte-order mark: Excel then shows Vietnamese text as it is. A CSV
shown in the browser or read by a script (no `_dl`) gets none.
"""
from __future__ import annotations

import codecs
import csv
import io
from urllib.parse import parse_qs

from datasette import hookimpl

from results.spreadsheet import neutralise


class CsvNeutraliser:
    """Rewrites a CSV byte stream, chunk by chunk, records whole."""

    def __init__(self, bom: bool = False):
        self.bom = bom          # still to be written before the first byte
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.pending = ""
        self.in_quotes = False
        self.scanned = 0  # characters of `pending` already scanned for quotes

    def feed(self, data: bytes, final: bool = False) -> bytes:
        self.pending += self.decoder.decode(data, final=final)
        end = 0
        for i in range(self.scanned, len(self.pending)):
            char = self.pending[i]
            if char == '"':
                self.in_quotes = not self.in_quotes
            elif char == "\n" and not self.in_quotes:
                end = i + 1
        complete, self.pending = (self.pending, "") if final else (self.pending[:end], self.pending[end:])
        self.scanned = len(self.pending)
        out = self._rewrite(complete).encode("utf-8") if complete else b""
        if self.bom and (out or final):
            out, self.bom = b"\xef\xbb\xbf" + out, False
        return out

    @staticmethod
    def _rewrite(text: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for record in csv.reader(io.StringIO(text, newline="")):
            writer.writerow([neutralise(field) for field in record])
        return out.getvalue()


def _is_download(scope) -> bool:
    return "_dl" in parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def _is_csv(scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return scope.get("path", "").endswith(".csv") or query.get("_format") == ["csv"]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def neutralising_app(scope, receive, send):
            if scope.get("type") != "http" or not _is_csv(scope):
                await app(scope, receive, send)
                return
            neutraliser = CsvNeutraliser(bom=_is_download(scope))
            rewriting = []

            async def neutralising_send(event):
                if event["type"] == "http.response.start":
                    headers = event.get("headers", [])
                    kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                    if kind.startswith((b"text/csv", b"text/plain")):  # CSV as Datasette sends it
                        rewriting.append(True)
                        # the body's length changes: let the server chunk it
                        event = {**event, "headers": [(k, v) for k, v in headers if k.lower() != b"content-length"]}
                elif event["type"] == "http.response.body" and rewriting:
                    more = event.get("more_body", False)
                    event = {**event, "body": neutraliser.feed(event.get("body", b""), final=not more)}
                await send(event)

            await app(scope, receive, neutralising_send)

        return neutralising_app

    return wrap

"""Evidence that can be replayed (docs/archive.md): every response of a run kept
in a web archive beside the database, and judged again from it.

- `records.py` writes WARC 1.1 records (warcio): request and response pairs,
  the rendered DOM, screenshots, failed fetches;
- `middleware.py` records every answer as it leaves the download handler
  (`ArchiveMiddleware`), or answers every request from an archive
  (`ReplayMiddleware`, `portalcheck rejudge`);
- `pipeline.py` points each stored observation at the record it rests on;
- `package.py` packs a run's WARC files into one WACZ and reads it back.

With `--archive` off none of these is loaded (each raises NotConfigured).
"""

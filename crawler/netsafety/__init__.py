"""Network safety (docs/security.md): the address rule (addresses.py), the
downloader middleware that applies it (middleware.py), and secrets masked in
everything shown or stored (redact.py)."""

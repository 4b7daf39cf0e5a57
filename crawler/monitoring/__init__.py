"""Monitoring's I/O that is not storage: telling people (notify.py). The
monitoring slice across the layers is described in docs/monitoring.md."""

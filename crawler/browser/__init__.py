"""Chromium, for the few pages that need one: whether it starts (launch.py),
one shared browser per process (provider.py), pooled pages per target
(pool.py), and what a rendered page may load (policy.py)."""

"""The target registry: targets read and validated (targets.py), child units
proposed from a discovery (candidates.py), a candidate file compared with and
merged into a registry (diff.py), registry files written (files.py)."""

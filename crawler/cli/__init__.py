"""The `portalcheck` command line: its entry point (main.py), one module per
command (commands/), and the words a person reads, in Vietnamese and English
(i18n.py and messages/*.yaml)."""

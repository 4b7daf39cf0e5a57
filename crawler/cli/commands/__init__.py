"""One module per `portalcheck` command; see crawler/cli/main.py."""

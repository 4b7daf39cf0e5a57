"""One module per `portalcheck` command; see crawler/cli.py."""

"""portalcheck: automatic inspection of Vietnamese government portals."""

__version__ = "0.1.0"

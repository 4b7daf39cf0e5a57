"""Chromium policy for rendered pages: what a check never needs is never loaded."""

_HEAVY = frozenset({"image", "media", "font"})


def abort_heavy_request(request) -> bool:
    """Images, fonts and media are aborted: checks read the DOM, not the pixels."""
    return request.resource_type in _HEAVY

from loopback import loopback  # noqa: F401  (the fixture)

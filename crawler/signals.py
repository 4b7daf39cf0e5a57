"""portalcheck's own Scrapy signals."""

# Sent by a spider when nothing is pending for a target any more:
# handlers receive (spider, target).
target_finished = object()

# Sent by the portal spider when a target's certificate check (spiders.portal.tls_probe)
# has answered: handlers receive (spider, target, host, port, result). The archive
# keeps it (crawler.archive.middleware), since the check opens its own connection.
tls_probed = object()

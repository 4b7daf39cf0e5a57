"""portalcheck's own Scrapy signals."""

# Sent by a spider when nothing is pending for a target any more:
# handlers receive (spider, target).
target_finished = object()

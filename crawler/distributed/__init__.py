"""A sweep spread over machines: host groups as RQ jobs on one Redis.

`portalcheck sweep --redis URL` (the coordinator, crawler.distributed.coordinator)
creates the run, enqueues one RQ job per host group (the groups
crawler.orchestration.workers forms: one portal is never swept from two places
at once) and is the only writer of the run's SQLite database. `portalcheck worker`
(crawler.distributed.jobs) runs the jobs; each finished target's rows come back
through a Redis stream (crawler.distributed.outbox) and are written by the
coordinator per target in one transaction (crawler.distributed.inbox). Lost
work is RQ's to redo: job timeouts, retries, the failed-job registry and the
abandoned-job cleanup of the started-job registry. docs/scaling.md.
"""

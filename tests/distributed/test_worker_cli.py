"""`portalcheck worker` refuses a Redis it cannot use with words, exit 2, and never the password."""
from __future__ import annotations

from loopback import run_cli


def test_a_bad_or_silent_redis_is_said_in_words():
    bad = run_cli("worker", "--redis", "notaurl", timeout=120)
    assert bad.returncode == 2
    assert "địa chỉ không hợp lệ" in bad.stderr and "ValueError" not in bad.stderr
    # Port 1 on loopback: nothing listens there.
    silent = run_cli("--lang", "en", "worker", "--redis", "redis://:s3cret@127.0.0.1:1/0", timeout=120)
    assert silent.returncode == 2
    assert "the Redis server does not answer" in silent.stderr
    assert "s3cret" not in silent.stderr + silent.stdout and "ConnectionError" not in silent.stderr

"""The gateway's expiring cache of service answers (inherited paths, revoked sessions)."""

import pytest

from gateway.ttl_cache import TtlCache


class Asked:
    def __init__(self) -> None:
        self.times = 0

    def __call__(self) -> int:
        self.times += 1
        return self.times


def test_an_answer_is_kept_within_its_time_to_live():
    cache: TtlCache[str, int] = TtlCache(ttl=3600, size=10)
    ask = Asked()
    assert (cache.get("a", ask), cache.get("a", ask)) == (1, 1)
    assert ask.times == 1


def test_an_expired_answer_is_asked_again():
    cache: TtlCache[str, int] = TtlCache(ttl=0, size=10)  # every answer already expired
    ask = Asked()
    assert (cache.get("a", ask), cache.get("a", ask)) == (1, 2)


def test_the_least_recently_stored_answer_goes_first_past_the_bound():
    cache: TtlCache[str, int] = TtlCache(ttl=3600, size=2)
    for key in ("a", "b", "c"):
        cache.get(key, Asked())
    again = Asked()
    cache.get("a", again)  # dropped: asked again
    cache.get("c", again)  # kept
    assert again.times == 1


def test_a_failed_answer_is_not_kept_and_forget_drops_one():
    cache: TtlCache[str, int] = TtlCache(ttl=3600, size=10)

    def fail() -> int:
        raise ConnectionError("away")

    with pytest.raises(ConnectionError):
        cache.get("a", fail)
    ask = Asked()
    assert cache.get("a", ask) == 1
    cache.forget("a")
    assert cache.get("a", ask) == 2

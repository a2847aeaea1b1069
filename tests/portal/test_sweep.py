"""portal.sweep.Drain: batches, exclusions, the limit and the time budget."""

from portal.sweep import Drain


def _source(ids):
    calls = []

    def fetch(exclude, take):
        calls.append(take)
        return [i for i in ids if i not in exclude][:take]

    return fetch, calls


def test_hands_out_every_id_in_batches_and_stops_when_none_is_due():
    pending = list(range(1, 8))
    fetch, calls = _source(pending)
    drain = Drain(fetch, batch=3, budget_seconds=60)
    seen = []
    for pk in drain:
        seen.append(pk)
        pending.remove(pk)  # handled: no longer due
    assert seen == [1, 2, 3, 4, 5, 6, 7]
    assert calls == [3, 3, 3, 3] and not drain.exhausted


def test_excluded_ids_are_not_fetched_again():
    fetch, _ = _source([1, 2, 3])
    drain = Drain(fetch, batch=2, budget_seconds=60)
    seen = []
    for pk in drain:
        seen.append(pk)
        drain.exclude.add(pk)  # still due, skipped for this run
    assert seen == [1, 2, 3]


def test_the_limit_caps_what_is_handed_out():
    pending = list(range(1, 10))
    fetch, calls = _source(pending)
    drain = Drain(fetch, batch=4, budget_seconds=60, limit=5)
    seen = []
    for pk in drain:
        seen.append(pk)
        pending.remove(pk)
    assert seen == [1, 2, 3, 4, 5] and calls == [4, 1]


def test_a_spent_budget_stops_the_run_and_says_so():
    fetch, _ = _source([1, 2, 3])
    drain = Drain(fetch, batch=10, budget_seconds=0)
    assert list(drain) == [] and drain.exhausted

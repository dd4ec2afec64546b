"""The pure parts of bench/soak.py (`make soak`): how it counts errors and the time to recover.
The soak itself starts PostgreSQL and gunicorn, so it is run by hand, not by `make test`."""

from bench.soak import Sample, Window, WrkSegment, failures, failures_after, in_any, recovery

# Real `wrk -t1 -c4 -d25s -s soak.lua` output from a segment with a PostgreSQL restart in it.
WRK_WITH_ERRORS = """\
Running 25s test @ http://127.0.0.1:8793/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    98.21ms   61.35ms 505.64ms   70.93%
    Req/Sec    39.80     14.06    80.00     66.53%
  988 requests in 25.02s, 21.48MB read
  Socket errors: connect 0, read 1, write 0, timeout 0
  Non-2xx or 3xx responses: 20
Requests/sec:     39.49
Transfer/sec:    879.11KB
"""


def test_wrk_segment_counts_requests_and_every_kind_of_error():
    assert WrkSegment("restart", 25, WRK_WITH_ERRORS).figures() == (988, 21)
    clean = WRK_WITH_ERRORS.replace("  Socket errors: connect 0, read 1, write 0, timeout 0\n", "")
    clean = clean.replace("  Non-2xx or 3xx responses: 20\n", "")
    assert WrkSegment("quiet", 25, clean).figures() == (988, 0)


def samples(*spans):
    return [Sample(start, end, status) for start, end, status in spans]


def test_a_failure_counts_in_a_window_it_overlaps_and_only_there():
    window = Window("worker killed", 10.0, 10.5)
    taken = samples((9.8, 10.1, 0), (10.6, 10.7, 500), (11.0, 11.1, 200))
    assert [in_any(sample, [window]) for sample in taken] == [True, False, False]
    assert failures(taken, window.start, window.end) == 1
    assert failures_after(taken, [window], window.end, 20.0) == 1  # the 500 after it


def test_recovery_is_the_first_clean_second_after_postgresql_is_back():
    back = 100.0
    taken = samples(
        (99.5, 99.6, 500),  # while it was down: not part of recovery
        (100.05, 100.1, 500),  # the first request after: still failing
        (100.2, 100.3, 200),  # the first success
        *((100.3 + i / 10, 100.35 + i / 10, 200) for i in range(30)),
    )
    first_ok, clean = recovery(taken, back)
    assert round(first_ok, 2) == 0.3
    assert round(clean, 1) == 0.2  # the second from 100.2 s holds no failure


def test_no_recovery_when_every_request_after_fails():
    taken = samples(*((100.0 + i / 10, 100.05 + i / 10, 500) for i in range(30)))
    assert recovery(taken, 100.0) == (None, None)

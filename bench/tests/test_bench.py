"""The pure parts of bench/run.py and bench/lighthouse.py (no gunicorn, wrk or Lighthouse here) and
the count_queries command."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from bench import hit_path, run

# Real `wrk -t2 -c8 -d1s --latency` output, captured on this machine.
WRK_MILLISECONDS = """\
Running 1s test @ http://127.0.0.1:8799/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.95ms    1.01ms  18.94ms   93.85%
    Req/Sec     1.32k   808.99     2.23k    57.14%
  Latency Distribution
     50%    1.81ms
     75%    2.15ms
     90%    2.58ms
     99%    5.00ms
  2760 requests in 1.10s, 504.02KB read
Requests/sec:   2508.47
Transfer/sec:    458.09KB
"""

WRK_MICROSECONDS = """\
Running 1s test @ http://127.0.0.1:8797/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    85.34us  236.69us   4.49ms   96.37%
    Req/Sec    64.08k    17.04k  129.33k    90.48%
  Latency Distribution
     50%   42.00us
     75%   60.00us
     90%   92.00us
     99%    1.34ms
  133666 requests in 1.10s, 5.10MB read
Requests/sec: 121533.11
Transfer/sec:      4.64MB
"""

# wrk pads a seconds figure with a trailing space (kept by the replace below).
WRK_SECONDS = """\
Running 3s test @ http://127.0.0.1:8798/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10s   303.53us   1.10s    61.54%
    Req/Sec     7.40     12.76    30.00     80.00%
  Latency Distribution
     50%    1.10s
     75%    1.10s
     90%    1.10s
     99%    1.10s
  13 requests in 3.00s, 1.43KB read
Requests/sec:      4.33
Transfer/sec:     488.94B
""".replace("1.10s\n", "1.10s \n")

WRK_NOT_FOUND = """\
Running 1s test @ http://127.0.0.1:8799/missing
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.54ms  436.06us   6.79ms   77.90%
    Req/Sec     1.61k     1.00k    3.18k    66.67%
  Latency Distribution
     50%    1.51ms
     75%    1.74ms
     90%    1.99ms
     99%    2.80ms
  3369 requests in 1.10s, 1.67MB read
  Non-2xx or 3xx responses: 3369
Requests/sec:   3063.18
Transfer/sec:      1.52MB
"""

WRK_TIMEOUTS = """\
Running 3s test @ http://127.0.0.1:8798/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec    10.57     13.69    30.00     71.43%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  14 requests in 3.00s, 1.54KB read
  Socket errors: connect 0, read 0, write 0, timeout 14
Requests/sec:      4.66
Transfer/sec:     526.60B
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42.00us", 0.042), ("1.81ms", 1.81), ("1.10s ", 1100.0), ("1.50m", 90_000.0)],
)
def test_durations_become_milliseconds(text, expected):
    assert run.duration_ms(text) == pytest.approx(expected)


def test_duration_rejects_what_is_not_one():
    with pytest.raises(ValueError, match="not a wrk duration"):
        run.duration_ms("fast")


def test_parse_wrk_milliseconds():
    result = run.parse_wrk(WRK_MILLISECONDS)
    assert result.requests_per_second == pytest.approx(2508.47)
    assert result.p50_ms == pytest.approx(1.81)
    assert result.p99_ms == pytest.approx(5.00)
    assert result.requests == 2760
    assert result.error_count == 0
    assert result.describe_errors() == ""


def test_parse_wrk_microseconds_and_seconds():
    fast = run.parse_wrk(WRK_MICROSECONDS)
    assert fast.requests_per_second == pytest.approx(121533.11)
    assert fast.p50_ms == pytest.approx(0.042)
    assert fast.p99_ms == pytest.approx(1.34)

    slow = run.parse_wrk(WRK_SECONDS)
    assert slow.p50_ms == pytest.approx(1100.0)
    assert slow.p99_ms == pytest.approx(1100.0)
    assert slow.requests_per_second == pytest.approx(4.33)


def test_parse_wrk_reports_errors():
    not_found = run.parse_wrk(WRK_NOT_FOUND)
    assert not_found.non_2xx_3xx == 3369
    assert not_found.describe_errors() == "non-2xx 3369"

    timeouts = run.parse_wrk(WRK_TIMEOUTS)
    assert timeouts.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 14}
    assert timeouts.error_count == 14
    assert timeouts.describe_errors() == "timeout 14"


def test_parse_wrk_refuses_output_without_results():
    with pytest.raises(ValueError, match="Requests/sec"):
        run.parse_wrk("unable to connect to 127.0.0.1:8799 Connection refused\n")
    without_latency = WRK_MILLISECONDS.replace("Latency Distribution", "").replace("50%", "")
    with pytest.raises(ValueError, match="--latency"):
        run.parse_wrk(without_latency)


def test_parse_count_queries_keeps_only_result_lines():
    output = (
        "some warning\n"
        "/healthz\t200\t1\t37\t1\n"
        "/organisations/?q=anxiety+counselling\t200\t8\t45123\t9\n"
    )
    counts = run.parse_count_queries(output)
    assert counts == {
        "/healthz": run.PageCount(status=200, queries=1, html_bytes=37, first_queries=1),
        "/organisations/?q=anxiety+counselling": run.PageCount(200, 8, 45123, 9),
    }


def test_parse_sizes():
    assert run.parse_sizes("100000, 10000") == [10000, 100000]
    assert run.parse_sizes("1_000") == [1000]
    with pytest.raises(run.HarnessError):
        run.parse_sizes("ten")
    with pytest.raises(run.HarnessError):
        run.parse_sizes("0")


def test_ratio_to_baseline():
    assert run.ratio_to_baseline(100.0, 1000.0) == pytest.approx(0.1)
    assert run.ratio_to_baseline(0.0, 1000.0) == 0.0
    assert run.ratio_to_baseline(None, 1000.0) is None
    assert run.ratio_to_baseline(100.0, 0.0) is None


# /proc/net/tcp with a server listening on 8796 (0x225C): one connection accepted with its
# request unanswered (01 ESTABLISHED) and one whose client hung up first (08 CLOSE_WAIT); the
# client ends of both (local ports E9A0, E9B0) and the listening socket do not count.
PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   8: 0100007F:225C 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 797442 2
  22: 0100007F:E9A0 0100007F:225C 01 00000000:00000000 00:00000000 00000000     0        0 797443 2
  23: 0100007F:E9B0 0100007F:225C 05 00000000:00000000 03:0000175C 00000000     0        0 0 3
  24: 0100007F:225C 0100007F:E9B0 08 00000000:00000001 00:00000000 00000000     0        0 0 1
  25: 0100007F:225C 0100007F:E9A0 01 00000000:00000012 00:00000000 00000000     0        0 797445 1
"""


def test_open_server_connections_counts_requests_gunicorn_still_owes():
    assert run.open_server_connections(PROC_NET_TCP, 8796) == 2
    assert run.open_server_connections(PROC_NET_TCP, 8791) == 0


# --- Targets -----------------------------------------------------------------------------------

LIST = "/organisations/"
SEARCH = "/organisations/?q=anxiety+counselling"


def page(path, rps, queries=5, html_bytes=40_000, status=200, label=None, **wrk_errors):
    wrk = run.WrkResult(rps, p50_ms=10.0, p99_ms=30.0, requests=int(rps * 10), **wrk_errors)
    count = run.PageCount(status, queries, html_bytes, first_queries=queries + 1)
    return run.PageResult(label or path, path, wrk=wrk, count=count)


def measured(size, mode, pages, rss=(90.0, 95.0), baseline_rps=1000.0):
    result = run.RunResult(
        size, mode, [page(run.BASELINE, baseline_rps, queries=1, html_bytes=37), *pages]
    )
    result.worker_peak_rss_mb = list(rss)
    run.fill_ratios(result)
    return result


def statuses(checks):
    return [check.status for check in checks]


ARABIC = "/ar/organisations/?language=ar"


def feed(first, far):
    return [page(run.FEED_FIRST_PAGE, first), page(run.FEED_FAR_PAGE, far)]


def passing_runs():
    return [
        measured(10_000, "uncached", [page(LIST, 250.0), page(SEARCH, 225.0), page(ARABIC, 240.0)]),
        measured(10_000, "cached", [page(LIST, 950.0), page(SEARCH, 900.0), page(ARABIC, 960.0)]),
        measured(
            100_000,
            "uncached",
            [page(LIST, 240.0), page(SEARCH, 210.0), page(ARABIC, 230.0), *feed(400.0, 390.0)],
        ),
        measured(
            100_000,
            "cached",
            [page(LIST, 940.0), page(SEARCH, 870.0), page(ARABIC, 900.0), *feed(950.0, 960.0)],
        ),
    ]


def test_fill_ratios_divides_by_the_baseline_of_the_same_run():
    result = measured(10_000, "uncached", [page(LIST, 250.0)], baseline_rps=2000.0)
    assert [p.ratio for p in result.pages] == [pytest.approx(1.0), pytest.approx(0.125)]


def test_the_baseline_is_the_mean_of_healthz_at_the_start_and_the_end():
    result = run.RunResult(
        10_000, "uncached", [page(run.BASELINE, 1000.0, queries=1), page(LIST, 300.0)]
    )
    result.baseline_end = run.WrkResult(1400.0, p50_ms=5.0, p99_ms=9.0, requests=14_000)
    run.fill_ratios(result)
    assert result.pages[1].ratio == pytest.approx(0.25)
    assert "/healthz at the start 1,000.0 req/s, at the end 1,400.0" in run.format_run(result)


def test_all_targets_pass():
    checks = run.check_targets(passing_runs())
    assert statuses(checks) == ["PASS"] * 9, run.format_checks(checks)
    assert "lowest /organisations/?q=anxiety+counselling 0.210" in checks[0].detail
    assert "100,000 vs 10,000" in checks[1].detail
    assert "lowest /organisations/?q=anxiety+counselling 0.870" in checks[2].detail


def test_a_far_page_of_the_feed_slower_than_its_first_fails():
    runs = passing_runs()
    assert run.check_feed_paging(runs).detail == "uncached 0.975, cached 1.011"
    runs[2] = measured(100_000, "uncached", [page(LIST, 240.0), *feed(400.0, 300.0)])
    check = run.check_feed_paging(runs)
    assert (check.status, check.detail) == ("FAIL", "below: uncached 0.750")
    assert run.check_feed_paging(runs[:2]).status == "n/a"


def test_a_list_in_another_language_below_the_english_lists_ratio_fails():
    runs = passing_runs()
    runs[1] = measured(10_000, "cached", [page(LIST, 950.0), page(ARABIC, 800.0)])
    check = run.check_languages(runs)
    assert check.status == "FAIL"
    assert f"{ARABIC} (cached 10,000) 0.84" in check.detail
    assert run.check_languages(passing_runs()).status == "PASS"


def test_the_alternating_rounds_decide_the_language_target_by_their_median():
    runs = passing_runs()
    # One measurement each says 0.84; the rounds, adjacent in time, say otherwise.
    runs[1] = measured(10_000, "cached", [page(LIST, 950.0), page(ARABIC, 800.0)])
    runs[1].language_factors = {ARABIC: [0.97, 0.85, 1.02]}
    check = run.check_languages(runs)
    assert check.status == "PASS"
    runs[1].language_factors = {ARABIC: [0.97, 0.85, 0.88]}
    check = run.check_languages(runs)
    assert check.status == "FAIL"
    assert f"{ARABIC} (cached 10,000) 0.88" in check.detail
    assert "median of 3 rounds" in check.detail
    assert "median 0.880 (0.970, 0.850, 0.880)" in run.format_run(runs[1])


def test_each_round_is_over_the_english_measurements_on_either_side_of_it():
    # English drifts from 1,000 to 800 req/s; the other language keeps pace, 10% behind.
    english = [1000.0, 900.0, 800.0]
    other = [855.0, 765.0]
    assert run.bracketed_factors(english, other) == pytest.approx([0.9, 0.9])
    # (Against English just before it alone, the second round would say 765 / 900 = 0.85.)
    # A failed measurement leaves out its round, or its side of the bracket.
    assert run.bracketed_factors([1000.0, None, 800.0], [900.0, None]) == [0.9]
    assert run.bracketed_factors([None, None], [900.0]) == []
    with pytest.raises(ValueError):
        run.bracketed_factors([1000.0], [900.0])


def test_a_language_is_compared_with_the_same_list_in_english_when_it_was_measured():
    runs = passing_runs()
    arabic_in_english = "/organisations/?language=ar"
    runs[1] = measured(
        10_000,
        "cached",
        [page(LIST, 950.0), page(arabic_in_english, 780.0), page(ARABIC, 760.0)],
    )
    assert page(ARABIC, 1.0).in_english == arabic_in_english
    assert page("/ur/organisations/", 1.0).in_english == LIST
    check = run.check_languages(runs)
    assert check.status == "PASS"  # 760 / 780, not 760 / 950
    # Without its English counterpart, the English list: 760 / 950.
    runs[1] = measured(10_000, "cached", [page(LIST, 950.0), page(ARABIC, 760.0)])
    check = run.check_languages(runs)
    assert check.status == "FAIL"
    assert f"{ARABIC} (cached 10,000) 0.80" in check.detail


def test_the_language_of_a_page_is_its_prefix():
    assert page(ARABIC, 1.0).language == "ar"
    assert page(ARABIC, 1.0).is_list
    assert page("/ur/organisations/", 1.0).is_list
    assert page(LIST, 1.0).language == ""
    assert not page("/organisations/some-slug/", 1.0).is_list


def test_the_list_near_a_district_is_measured_and_held_to_every_pages_targets():
    assert run.NEAR == "/organisations/?near=LS6"
    assert run.NEAR in run.PAGES
    assert page(run.NEAR, 1.0).is_list and not page(run.NEAR, 1.0).language
    runs = passing_runs()
    runs[2] = measured(100_000, "uncached", [page(LIST, 240.0), page(run.NEAR, 200.0, queries=6)])
    runs[3] = measured(100_000, "cached", [page(LIST, 940.0), page(run.NEAR, 850.0, queries=1)])
    assert statuses(run.check_targets(runs))[:3] == ["PASS"] * 3
    row = next(line for line in run.format_run(runs[2]).splitlines() if run.NEAR in line)
    assert [cell.strip() for cell in row.strip("|").split("|")][4:6] == ["0.200", "6 / 7"]

    runs[2] = measured(100_000, "uncached", [page(LIST, 240.0), page(run.NEAR, 190.0)])
    runs[3] = measured(100_000, "cached", [page(LIST, 940.0), page(run.NEAR, 840.0)])
    checks = run.check_targets(runs)
    assert checks[0].status == checks[2].status == "FAIL"
    assert "/organisations/?near=LS6 0.190 at 100,000" in checks[0].detail
    assert "/organisations/?near=LS6 0.840 at 100,000" in checks[2].detail


def test_uncached_ratio_below_target_fails_with_the_page_named():
    runs = passing_runs()
    runs[2] = measured(100_000, "uncached", [page(LIST, 240.0), page(SEARCH, 175.0)])
    checks = run.check_targets(runs)
    assert checks[0].status == "FAIL"
    assert "/organisations/?q=anxiety+counselling 0.175 at 100,000" in checks[0].detail
    # 0.175 / 0.225 = 0.78: it also grew too costly with size.
    assert checks[1].status == "FAIL"
    assert "/organisations/?q=anxiety+counselling (uncached) 0.78" in checks[1].detail


def test_scaling_is_checked_for_cached_pages_too():
    runs = passing_runs()
    runs[3] = measured(100_000, "cached", [page(LIST, 940.0), page(SEARCH, 700.0)])
    checks = run.check_targets(runs)
    assert checks[1].status == "FAIL"
    assert "/organisations/?q=anxiety+counselling (cached) 0.78" in checks[1].detail


def test_ratios_are_checked_at_the_largest_size_only():
    runs = passing_runs()
    runs[0] = measured(10_000, "uncached", [page(LIST, 250.0), page(SEARCH, 190.0)])
    assert run.check_targets(runs)[0].status == "PASS"


def test_scaling_compares_each_pages_ratio_not_raw_throughput():
    # Everything halved at 100,000, the baseline too: ratios unchanged, so it scales.
    runs = passing_runs()
    runs[2] = measured(
        100_000, "uncached", [page(LIST, 120.0), page(SEARCH, 105.0)], baseline_rps=500.0
    )
    assert run.check_targets(runs)[1].status == "PASS"


def test_the_report_gives_the_load_average_at_the_start_and_the_end(monkeypatch):
    monkeypatch.setattr(run, "LOAD_AT_START", ["0.31, 0.20, 0.10"])
    monkeypatch.setattr(run.os, "getloadavg", lambda: (2.5, 1.25, 0.5))
    settings = run.Settings(sizes=[10_000], seconds=10, warmup=2, keep_db=False, port=8791)
    text = run.report(passing_runs(), settings, finished=True)
    assert "at the start: 0.31, 0.20, 0.10; at the end: 2.50, 1.25, 0.50" in text
    assert "- **PASS** uncached: every page ≥ 0.2 of /healthz at 100,000" in text
    assert "- **PASS** cached: every page ≥ 0.85 of /healthz at 100,000" in text


def test_scaling_needs_two_sizes():
    runs = [measured(1_000, "uncached", [page(LIST, 100.0)])]
    checks = run.check_targets(runs)
    assert checks[1].status == "n/a"
    assert "measured at 1,000 only" in checks[0].detail
    assert checks[2].status == "n/a"  # no cached run


def test_cached_ratio_target():
    runs = passing_runs()
    runs[3] = measured(100_000, "cached", [page(LIST, 940.0), page(SEARCH, 840.0)])
    check = run.check_targets(runs)[2]
    assert check.status == "FAIL"
    assert "0.840 at 100,000" in check.detail


def test_query_rss_html_and_error_targets():
    runs = passing_runs()
    runs[2] = measured(
        100_000,
        "uncached",
        [page(LIST, 240.0, queries=12, html_bytes=61_000), page(SEARCH, 210.0, non_2xx_3xx=3)],
        rss=(120.0, 151.5),
    )
    checks = run.check_targets(runs)
    queries, rss, html, errors = checks[5:]
    assert queries.status == "FAIL"
    assert "/organisations/ 12 (uncached 100,000)" in queries.detail
    assert rss.status == "FAIL"
    assert "151.5 MB (uncached, 100,000)" in rss.detail
    assert html.status == "FAIL"
    assert "61.0 KB" in html.detail
    assert errors.status == "FAIL"
    assert "non-2xx 3" in errors.detail


def test_the_html_budget_is_the_english_lists_and_other_languages_are_shown_beside():
    """Arabic letters take two bytes in UTF-8: the budget, set in English, is not theirs."""
    runs = passing_runs()
    runs[2] = measured(
        100_000,
        "uncached",
        [page(LIST, 240.0, html_bytes=59_000), page(ARABIC, 230.0, html_bytes=75_000)],
    )
    html = run.check_list_html(runs)
    assert html.status == "PASS"
    assert "largest /organisations/ 59.0 KB" in html.detail
    assert f"other languages, not checked: {ARABIC} 75.0 KB" in html.detail
    runs[2] = measured(100_000, "uncached", [page(LIST, 240.0, html_bytes=60_500)])
    assert run.check_list_html(runs).status == "FAIL"


def test_page_without_a_completed_response_is_flagged():
    stuck = page(LIST, 0.0)
    assert stuck.problems() == "no response completed"
    result = measured(100_000, "uncached", [stuck])
    assert result.pages[1].ratio == 0.0
    assert run.check_errors([result]).status == "FAIL"


def test_worker_timeouts_are_flagged():
    result = measured(100_000, "uncached", [page(LIST, 50.0)])
    result.worker_timeouts = 2
    assert "FLAG: gunicorn killed 2 worker(s)" in run.format_run(result)
    check = run.check_errors([result])
    assert check.status == "FAIL"
    assert "2 worker timeout(s) (uncached 100,000)" in check.detail


def test_page_with_failed_status_is_flagged():
    broken = page(LIST, 95.0, status=500)
    assert broken.problems() == "status 500"
    assert run.page_row(broken)[-1] == "FLAG: status 500"


# --- Formatting --------------------------------------------------------------------------------


def test_table_has_one_row_per_page_and_aligned_columns():
    result = measured(
        100_000,
        "uncached",
        [page("/organisations/synthetic-a/", 123.456, label="detail", queries=4)],
    )
    table = run.format_run(result)
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len(lines) == 2 + len(result.pages)  # header, rule, rows
    assert len({len(line) for line in lines}) == 1  # padded to the same width
    assert lines[0].split("|")[1].strip() == "page"
    # Markdown's rule: the page column left-aligned, the figures right-aligned.
    rule = lines[1].strip("|").split("|")
    assert set(rule[0]) == {"-"}
    assert all(cell.endswith("-:") and set(cell) == {"-", ":"} for cell in rule[1:-1])
    detail = lines[-1]
    cells = [cell.strip() for cell in detail.strip("|").split("|")]
    assert cells == [
        "detail: /organisations/synthetic-a/",
        "123.5",
        "10.0",
        "30.0",
        "0.123",
        "4 / 5",
        "40.0",
        "0",
    ]
    assert "### 100,000 organisations, uncached (DIRECTORY_PAGE_CACHE=0)" in table
    assert "(VmHWM, MB): 90.0, 95.0" in table


def test_unmeasured_cells_show_a_dash():
    result = run.RunResult(10_000, "cached", [run.PageResult(LIST, LIST, wrk_failure="wrk: boom")])
    row = run.page_row(result.pages[0])
    assert row[1:7] == ["–"] * 6
    assert row[7] == "FLAG: wrk: boom"


def test_format_checks():
    checks = [run.Check("cached", "PASS", "fine"), run.Check("scaling", "n/a", "one size")]
    assert run.format_checks(checks) == "- **PASS** cached: fine\n- **n/a** scaling: one size"


# --- count_queries ---------------------------------------------------------------------------


def test_count_queries_prints_a_line_per_url(db):
    out = StringIO()
    call_command(
        "count_queries", "/healthz", "/organisations/", "/organisations/nobody/", stdout=out
    )
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [(url, status) for url, status, *_ in lines] == [
        ("/healthz", "200"),
        ("/organisations/", "200"),
        ("/organisations/nobody/", "404"),
    ]
    counts = run.parse_count_queries(out.getvalue())
    assert counts["/healthz"].queries == 1  # SELECT 1
    assert counts["/organisations/"].html_bytes > 1000
    assert 0 < counts["/organisations/"].first_queries <= run.MAX_QUERIES


# --- bench/engines.py: the Jinja2 port must render what the real card renders ------------------


def test_both_template_engines_render_the_same_cards(db, urdu, female, london, counselling):
    from bench import engines
    from tests.factories import OrganisationFactory, ServiceFactory

    full = OrganisationFactory(
        name="Sabr & Sukoon", is_alliance_member=True, last_verified=datetime.date(2026, 4, 2)
    )
    for n in range(4):
        ServiceFactory(
            organisation=full,
            name=f'Service <{n}> "for" sisters\' circle',
            languages=[urdu],
            practitioner_genders=[female],
            areas=[london],
            service_types=[counselling],
            cost="free",
            hours="Mondays",
        )
    ServiceFactory(organisation=OrganisationFactory(name="Bare", last_verified=None))
    organisations = engines.page_of_cards()
    assert len(organisations) == 2
    assert engines.disagreements(organisations) == []


# --- bench/lighthouse.py: reading Lighthouse's report -------------------------------------------


def lighthouse_report(scores, kilobytes, failing_audit=None):
    """The parts of a Lighthouse result (lhr) that bench/lighthouse.py reads."""
    audits = {"total-byte-weight": {"numericValue": kilobytes * 1000, "score": 1}}
    refs = []
    if failing_audit:
        audits["total-blocking-time"] = {
            "title": "Total Blocking Time",
            "score": 0.5,
            "displayValue": "350 ms",
            "scoreDisplayMode": "numeric",
        }
        audits["network-rtt"] = {"title": "Network round trips", "scoreDisplayMode": "informative"}
        refs = [{"id": "network-rtt", "weight": 0}, {"id": "total-blocking-time", "weight": 30}]
    return {
        "categories": {
            name: {"score": score / 100, "auditRefs": refs if name == failing_audit else []}
            for name, score in scores.items()
        },
        "audits": audits,
        "runWarnings": [
            "The tested device appears to have a slower CPU than [Lighthouse](x) expects."
        ],
    }


def test_lighthouse_pages_at_100_and_under_50_kb_pass():
    from bench import lighthouse

    page = lighthouse.PageResult("home", "/")
    all_100 = dict.fromkeys(lighthouse.CATEGORIES, 100)
    lighthouse.read_report(page, lighthouse_report(all_100, 7.6))
    assert page.misses() == []
    assert lighthouse.page_row(page)[1:] == ["100", "100", "100", "100", "7.6", "PASS"]
    assert lighthouse.targets_line([page]) == "Targets: all PASS"
    assert page.warnings == [
        "The tested device appears to have a slower CPU than Lighthouse expects."
    ]


def test_lighthouse_misses_name_the_score_the_size_and_the_failing_audit():
    from bench import lighthouse

    page = lighthouse.PageResult("list", "/organisations/")
    scores = {**dict.fromkeys(lighthouse.CATEGORIES, 100), "performance": 92}
    lighthouse.read_report(page, lighthouse_report(scores, 51.2, failing_audit="performance"))
    assert page.misses() == ["performance 92", "51.2 KB"]
    assert lighthouse.targets_line([page]) == "Targets: FAIL (list: performance 92, 51.2 KB)"
    # Informative audits are not failures; scored ones say what they measured.
    assert page.failing["performance"] == ["Total Blocking Time: 350 ms (score 50)"]


def test_a_page_lighthouse_could_not_measure_fails():
    from bench import lighthouse

    page = lighthouse.PageResult("sheet", "/signposting/", error="answered HTTP 404: not measured")
    assert lighthouse.targets_line([page]).startswith("Targets: FAIL (sheet: not measured")


def test_lighthouse_runs_again_once_when_its_own_trace_failed(monkeypatch, tmp_path):
    from bench import lighthouse

    runs = []

    def run_once(page, url, out_dir, chrome):
        runs.append(url)
        if len(runs) == 1:
            page.error = "Lighthouse: NO_NAVSTART: Please run Lighthouse again."
        else:
            page.scores = dict.fromkeys(lighthouse.CATEGORIES, 100)
            page.transfer_bytes = 7500

    monkeypatch.setattr(lighthouse, "fetch", lambda url: (200, ""))
    monkeypatch.setattr(lighthouse, "_run_once", run_once)
    page = lighthouse.PageResult("detail", "/organisations/x/")
    lighthouse.measure(page, "http://127.0.0.1:8731", tmp_path, "/usr/bin/chromium")
    assert len(runs) == 2
    assert page.misses() == []
    assert page.warnings[0].startswith("measured on a second run; the first failed: Lighthouse:")


def test_a_page_with_healthz_beside_it_is_compared_with_those_two():
    """Each page's ratio is to /healthz just before and after it, not to the run's start: a
    machine that slowed down mid-run must not make the later pages look slower."""
    result = run.RunResult(
        10_000, "uncached", [page(run.BASELINE, 2000.0, queries=1), page(LIST, 300.0)]
    )
    result.pages[1].beside = [
        run.WrkResult(1000.0, p50_ms=5.0, p99_ms=9.0, requests=5_000),
        run.WrkResult(1400.0, p50_ms=5.0, p99_ms=9.0, requests=7_000),
    ]
    run.fill_ratios(result)
    assert result.pages[1].ratio == pytest.approx(0.25)
    assert "before and after each page: 1,000.0 to 1,400.0 req/s" in run.format_run(result)


def test_hit_path_compares_the_languages_make_bench_measures_with_their_english_counterparts():
    assert hit_path.language_pairs() == [
        ("/organisations/?language=ar", "/ar/organisations/?language=ar"),
        ("/organisations/", "/ur/organisations/"),
    ]
    assert hit_path.environ_for("/ur/organisations/?page=2")["HTTP_ACCEPT_ENCODING"] == "gzip"
    plain = hit_path.environ_for("/ur/organisations/?page=2", gzip=False)
    assert "HTTP_ACCEPT_ENCODING" not in plain
    assert (plain["PATH_INFO"], plain["QUERY_STRING"]) == ("/ur/organisations/", "page=2")

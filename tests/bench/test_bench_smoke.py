"""The benches run: each one's build, measurement and report at a small size, so a change that breaks a bench
fails here rather than when someone next measures."""

import pytest


@pytest.mark.django_db
def test_combined_ranking_bench_runs_with_a_constant_number_of_queries():
    from bench.bench_combined_ranking import build, measure, report

    small = measure(build(10), runs=1)
    large = measure(build(40), runs=1)

    assert (small["rows"], large["rows"]) == (10, 40)
    assert small["queries"] == large["queries"]
    assert sum(large["levels"].values()) == 40
    text = report(large, 1)
    assert "combined_table" in text and "the floor's time" in text


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_session_board_bench_runs_through_gunicorn_without_errors(tmp_path):
    from django.db import connection

    from bench.bench_session_board import build, measure, report, start_gunicorn, stop

    scene = build(judges=2, slots=2, staff=1)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process, url = start_gunicorn(connection.settings_dict["NAME"], 1, log)
        try:
            result = measure(url, scene, seconds=1, rounds=1)
        finally:
            stop(process)

    log_text = log_path.read_text()
    for name in ("saves", "board", "floor"):
        assert result[name]["requests"] > 0, (name, log_text)
        assert result[name]["errors"] == 0, (name, log_text)
    assert "the floor's requests/s" in report(result, scene, seconds=1, rounds=1, workers=1)


@pytest.mark.django_db
def test_public_pages_bench_serves_cached_pages_without_queries(settings):
    from bench.bench_public_pages import build, cold_after_publish, measure, report

    settings.ROOT_URLCONF = "bench.bench_urls"
    staff, first = build(30)
    pages = [("one notice", f"/notices/{first.pk}/", "各有关单位".encode()), ("home page", "/", b"<html")]
    result = measure(pages, seconds=0.2, rounds=1)
    cold = cold_after_publish(staff, "/notices/", "基准即时发布".encode(), runs=2)

    assert result["one notice"]["queries"] == 0 and result["home page"]["queries"] == 0
    assert result["floor"]["rps"] > 0 and cold > 0
    assert "of the floor's requests/s" in report(result, cold, 30)


@pytest.mark.django_db
def test_national_package_bench_runs():
    from bench.bench_national_package import build, cleanup, measure, report

    apps, names = build(3, report_kb=8, scan_kb=4)
    try:
        figures = measure(apps)
    finally:
        cleanup(names)
    assert figures["applications"] == 3
    assert figures["package"]["zip_bytes"] > 3 * 16 * 1024
    text = report(figures)
    assert "write_package" in text and "the floor's time" in text


@pytest.mark.django_db
def test_certificates_bench_runs_a_tiny_batch_to_the_end():
    from bench.bench_certificates import build, measure, report

    edition = build(3)
    result = measure(edition, workers=1, fork=False)

    assert (result["state"], result["done"], result["failed"], result["total"]) == ("finished", 3, 0, 3)
    assert result["zip_bytes"] > 0
    assert "1 worker(s): 3/3 certificates" in report(result)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_list_pages_http_bench_serves_every_signed_in_page_through_gunicorn_without_errors():
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    root = Path(__file__).resolve().parent.parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "bench/bench_list_pages_http.py",
            *("--rows", "60", "--seconds", "0.5", "--rounds", "1", "--warmup", "0.3", "--workers", "2"),
            *("--database", connection.settings_dict["NAME"]),  # this run's test database, seeded by the bench
        ],
        cwd=root,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("page ") and "× floor" in line)
    table = lines[header + 1 : header + 7]  # the six pages, then the floor
    assert lines[header + 7].startswith("floor (/bench/floor/, same clients)"), output
    for line in table:
        assert line.split()[-2] == "0", line  # errors
    assert "bar 0.3 of the floor's requests/s" in output
    assert "identities of 4 of 4 signed-in users" in output, output

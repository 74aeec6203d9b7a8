from bench.report import Measurement, Report, Row, Target, format_report, format_table, write_latest_run
from bench.run import database_url_for, parse_sizes, size_label


def measurement(per_second, p50_ms=10, p99_ms=40, **errors):
    return Measurement(
        requests=per_second * 8, duration_us=8_000_000, p50_us=p50_ms * 1000, p95_us=p99_ms * 900, p99_us=p99_ms * 1000,
        **errors,
    )  # fmt: skip


def test_table_prints_each_page_as_a_ratio_of_its_ceiling():
    rows = [
        Row("10k", "home", "fresh", 38_000, measurement(100), "loop × 35", measurement(400)),
        Row("10k", "home", "cached", 37_000, measurement(900, 3, 8), "fixed × 34", measurement(1200)),
    ]

    table = format_table(rows).splitlines()

    assert table[0].startswith("| Catalog | Page | Cache | req/s | p50 ms | p99 ms |")
    assert table[2] == "| 10k | home | fresh | 100 | 10 | 40 | 37.1 | loop × 35 | 400 | 0.25 |  |"
    assert table[3] == "| 10k | home | cached | 900 | 3.0 | 8.0 | 36.1 | fixed × 34 | 1,200 | 0.75 |  |"


def test_table_notes_errors_and_a_missing_ceiling_gives_no_ratio():
    row = Row(
        "100k", "search", "fresh", 1024, measurement(5, status_errors=3), "loop × 0", measurement(0), ("ran 24 s",)
    )

    line = format_table([row]).splitlines()[2]

    assert "| 0.00 |" in line
    assert line.endswith("| ran 24 s; 3 page errors |")


def test_report_says_whether_targets_are_met():
    report = Report(
        rows=[Row("10k", "home", "fresh", 1000, measurement(50), "loop × 1", measurement(100))],
        targets=[Target("search p95", 42.0, 50), Target("admin list p50", 31.5, 30, "p95 40.0 ms")],
        facts=["10k catalog ready in 25 s"],
    )

    text = format_report(report)

    assert "- search p95: 42.0 ms, target < 50 ms: met" in text
    assert "- admin list p50: 31.5 ms, target < 30 ms: MISSED (p95 40.0 ms)" in text
    assert text.endswith("- 10k catalog ready in 25 s")


def test_latest_run_replaces_the_last_one_and_keeps_the_notes_above(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n## What changed it\n\n- Search index: 10× faster.\n\n## Latest run\n\nold table\n")

    write_latest_run(docs, "new table", ["Machine: 2 CPUs"])

    text = docs.read_text()
    assert "- Search index: 10× faster." in text
    assert "old table" not in text
    assert text.endswith("- Machine: 2 CPUs\n\nnew table\n")
    assert text.count("## Latest run") == 1


def test_each_size_has_its_database_beside_the_named_one():
    base = "postgres://marque:marque@127.0.0.1:5432/marque_bench"

    assert database_url_for(base, 10_000) == base
    assert database_url_for(base, 100_000) == base + "100k"
    assert [size_label(n) for n in (10_000, 100_000, 1_000_000, 2500)] == ["10k", "100k", "1M", "2500"]
    assert parse_sizes("10000 100000") == parse_sizes("10000,100000") == [10_000, 100_000]

"""Anonymous requests per second of the public pages (notice list, a notice, the home page) against the floor: a
bare Django view rendering a 50-row table without the database, measured in the same run and process.

    .venv/bin/python bench/bench_public_pages.py [--notices 2000] [--seconds 5] [--rounds 3]

Uses the bench database `saq_bench` (see bench_list_pages.py). Anonymous visitors get the notice fragments from
the cache (Redis in the test settings), so after the first request a page costs the session-less middleware, one
cache read and the page around the fragment. Also measured: the same list right after a publish (the first
request rebuilds the fragment from the database).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

from bench.bench_list_pages import count_queries, setup_database, throughput  # noqa: E402

BODY = "<p>各有关单位：为贯彻落实《质量强国建设纲要》，现将有关事项通知如下。</p>" * 6


def build(n: int):
    """`n` published notices (bulk, idempotent) and one staff author; returns (staff, first notice)."""
    from django.utils import timezone

    from accounts.enums import Role
    from accounts.models import Membership, User
    from notices.enums import NoticeState
    from notices.models import Notice

    staff, created = User.objects.get_or_create(email="bench-notices@saq.test", defaults={"full_name": "公告基准"})
    if created:
        Membership.objects.create(user=staff, role=Role.STAFF)
    have = Notice.objects.filter(author=staff, title__startswith="关于开展").count()
    now = timezone.now()
    Notice.objects.bulk_create(
        [
            Notice(
                title=f"关于开展2026年度上海市质量管理小组活动成果交流的通知（{i:05d}）",
                body=BODY,
                pinned=i % 500 == 0,
                publish_at=now - timezone.timedelta(minutes=i + 1),
                state=NoticeState.PUBLISHED,
                author=staff,
            )
            for i in range(have, n)
        ],
        batch_size=1000,
    )
    return staff, Notice.objects.filter(author=staff, title__startswith="关于开展").order_by("pk").first()


def measure(pages, *, seconds: float, rounds: int) -> dict:
    from django.test import Client

    anonymous = Client()
    result = {}
    floors = []
    for label, url, expect in pages:
        rates = []
        for _ in range(rounds):
            floors.append(throughput(anonymous, "/bench/floor/", seconds, b"<td>")[0])
            rates.append(throughput(anonymous, url, seconds, expect)[0])
        result[label] = {"rps": statistics.median(rates), "queries": len(count_queries(anonymous, url))}
    result["floor"] = {"rps": statistics.median(floors), "queries": 0}
    return result


def cold_after_publish(staff, url: str, expect: bytes, runs: int = 20) -> float:
    """Median seconds of the first anonymous request after a publish (the fragment rebuilt from the database)."""
    from django.test import Client

    from notices import services

    anonymous = Client()
    times = []
    for i in range(runs):
        notice = services.notice_create(actor=staff, title=f"基准即时发布 {i}", body="<p>测试</p>")
        services.notice_publish(actor=staff, notice=notice)
        start = time.perf_counter()
        response = anonymous.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200 and expect in response.content
    return statistics.median(times)


def report(result: dict, cold: float, notices: int) -> str:
    floor = result["floor"]["rps"]
    lines = [f"published notices: {notices}; anonymous visitors (cached fragments)"]
    for label, row in result.items():
        if label == "floor":
            continue
        lines.append(
            f"{label}: {row['rps']:7.1f} req/s, {row['queries']} queries | floor {floor:7.1f} req/s | "
            f"ratio {row['rps'] / floor:.2f} of the floor's requests/s"
        )
    lines.append(f"first list request after a publish (fragment rebuilt): {cold * 1000:.1f} ms median")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    django.setup()
    setup_database()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = "bench.bench_urls"
    staff, first = build(args.notices)
    pages = [
        ("notice list, page 10 (20 rows)", "/notices/?page=10", "质量管理小组".encode()),
        ("notice list, searched", "/notices/?q=%E4%BA%A4%E6%B5%81", "交流".encode()),
        ("one notice", f"/notices/{first.pk}/", "各有关单位".encode()),
        ("home page", "/", b"<html"),
    ]
    result = measure(pages, seconds=args.seconds, rounds=args.rounds)
    cold = cold_after_publish(staff, "/notices/", "基准即时发布".encode())
    print(report(result, cold, args.notices))


if __name__ == "__main__":
    main()

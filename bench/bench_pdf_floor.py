"""The floor of PDF rendering: one A4 page with the CJK font, straight through WeasyPrint (no Django, no template).

Later benches (application form, certificates, recommendation tables) compare their times against this one.
A median far above ~0.3 s on a 2-core machine usually means harfbuzz-subset is missing (fontTools subsets instead).

    .venv/bin/python bench/bench_pdf_floor.py            # median of 20 renders
    .venv/bin/python bench/bench_pdf_floor.py --runs 50
"""

import argparse
import statistics
import time

from weasyprint import HTML

FLOOR_HTML = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><style>
  @page { size: A4; margin: 20mm;
          @bottom-center { content: "第 " counter(page) " 页"; font-family: "Noto Sans CJK SC", sans-serif; } }
  html { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 0.75pt solid #000; padding: 2mm; }
</style></head><body>
  <h1>质量管理小组活动成果申报表</h1>
  <table>
    <tr><th>小组名称</th><td>精益求精质量管理小组</td><th>成立时间</th><td>2021年3月</td></tr>
    <tr><th>申报单位</th><td colspan="3">上海某某精密制造有限公司</td></tr>
    <tr><th>课题名称</th><td colspan="3">降低数控车床加工件尺寸超差率</td></tr>
  </table>
</body></html>"""


def render_floor_pdf() -> bytes:
    """Render the one-page floor document; returns the PDF bytes."""
    return HTML(string=FLOOR_HTML).write_pdf()


def measure(runs: int = 20) -> list[float]:
    render_floor_pdf()  # warm-up: font discovery and caches are not part of the floor
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_floor_pdf()
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    timings = measure(runs)
    print(f"pdf floor: median {statistics.median(timings):.3f} s over {runs} renders (min {min(timings):.3f} s)")


if __name__ == "__main__":
    main()

"""URLs for the benchmarks: the portal's own plus the floor view (a bare 50-row table, no database)."""

from django.template import engines
from django.urls import path

from saq_portal.urls import urlpatterns as portal_urlpatterns

ROWS = [
    {
        "number": f"QC-2026-{i:04d}",
        "title": f"降低某型号产品装配不良率 {i}",
        "unit": "上海示例制造有限公司",
        "status": "已提交",
    }
    for i in range(50)
]
TEMPLATE = engines["django"].from_string(
    "<!doctype html><html><body><table>{% for r in rows %}<tr><td>{{ r.number }}</td><td>{{ r.title }}</td>"
    "<td>{{ r.unit }}</td><td>{{ r.status }}</td></tr>{% endfor %}</table></body></html>"
)


def floor(request):
    from django.http import HttpResponse

    return HttpResponse(TEMPLATE.render({"rows": ROWS}, request))


urlpatterns = [path("bench/floor/", floor), *portal_urlpatterns]

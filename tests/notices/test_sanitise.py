import pytest

from notices.services import notice_create, notice_update, sanitise_html
from tests.factories import staff_user
from tests.factories.notices import NoticeFactory

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>通知<script>alert(1)</script></p>", "<p>通知</p>"),
        ('<p onclick="x()">正文</p>', "<p>正文</p>"),
        ('<img src=x onerror="alert(1)">文', "文"),
        ('<a href="javascript:alert(1)">链接</a>', '<a rel="noopener noreferrer">链接</a>'),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="data:text/html,x">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<p style="background:url(http://evil.test/x)">样式</p>', "<p>样式</p>"),
        ("<style>@import url(http://evil.test/a.css);</style><p>正文</p>", "<p>正文</p>"),
        ('<iframe src="http://evil.test"></iframe><p>正文</p>', "<p>正文</p>"),
        ("<p>a<!-- 注释 -->b</p>", "<p>ab</p>"),
    ],
)
def test_sanitise_html_strips_active_content(dirty, clean):
    assert sanitise_html(dirty) == clean


def test_sanitise_html_keeps_the_allow_list():
    html = (
        "<h2>一、标题</h2><h3>小标题</h3><h4>细目</h4><p>a<br>b <strong>粗</strong> <em>斜</em> <u>下</u></p>"
        "<ol><li>一</li></ol><ul><li>二</li></ul><blockquote>引用</blockquote>"
        "<table><thead><tr><th>项</th></tr></thead><tbody><tr><td>值</td></tr></tbody></table>"
    )
    assert sanitise_html(html) == html


@pytest.mark.parametrize("href", ["https://www.saq.org.cn/a", "http://example.test/", "mailto:saq@example.test"])
def test_sanitise_html_keeps_web_and_mail_links_with_rel(href):
    assert sanitise_html(f'<a href="{href}" target="_blank" class="x">链接</a>') == (
        f'<a href="{href}" rel="noopener noreferrer">链接</a>'
    )


@pytest.mark.django_db
def test_notice_create_and_update_store_the_sanitised_body():
    actor = staff_user()
    notice = notice_create(actor=actor, title="通知", body='<p onmouseover="x">甲</p><script>y</script>')
    assert notice.body == "<p>甲</p>"
    notice = notice_update(actor=actor, notice=notice, title="通知", body='<a href="javascript:z">乙</a>')
    notice.refresh_from_db()
    assert notice.body == '<a rel="noopener noreferrer">乙</a>'


@pytest.mark.django_db
def test_notice_update_without_change_writes_no_audit_row():
    from core.audit import audit_for

    notice = NoticeFactory(body="<p>甲</p>")
    notice_update(actor=staff_user(), notice=notice, title=notice.title, body="<p>甲</p>")
    assert audit_for(notice).count() == 0

import io

import pytest
from django.utils import timezone

from core.seeding import seeders
from notices import demo
from notices.enums import NoticeState
from notices.models import Notice
from notices.selectors import public_notices

pytestmark = pytest.mark.django_db


def test_demo_notices_are_published_pinned_and_scheduled_idempotently():
    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    assert Notice.objects.count() == 4
    assert all(n.state == NoticeState.PUBLISHED for n in Notice.objects.all())
    visible = list(public_notices())
    assert len(visible) == 3
    assert visible[0].pinned and visible[0].title.startswith("关于开展2020年上海市质量管理小组活动成果")
    scheduled = Notice.objects.exclude(pk__in=[n.pk for n in visible]).get()
    assert scheduled.publish_at > timezone.now()
    assert all(n.body.startswith("<p>") and "</p><p>" in n.body for n in Notice.objects.all())


def test_demo_notices_belong_to_the_seeded_programmes_and_run_last():
    from tests.factories.awards import ProgrammeFactory

    qc = ProgrammeFactory(code="QC")
    demo.seed(stdout=io.StringIO())
    assert Notice.objects.get(pinned=True).programme == qc
    # After every seeder the notices name (awards: the programmes); only the publication demo, which needs the
    # released results of the reviews demo, runs later.
    names = [name for name, _seed in seeders()]
    assert names.index("notices") > max(names.index(n) for n in ("awards", "reviews", "reviews_levels"))
    assert names[-1] == "notices_results"

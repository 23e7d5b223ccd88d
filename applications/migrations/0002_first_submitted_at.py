"""Record when an application was first submitted, and fill it in for the existing rows.

The unit (and everyone above the applicant) sees an application only once it was submitted, which its status
alone cannot tell for a withdrawn one. For existing rows the first submission is read from the timeline (the
earliest "submit" entry); a row without one that nevertheless has a number, or a status only a submission
reaches, was submitted too (its `submitted_at`, else its last change, stands in for the moment). A draft, or a
draft withdrawn before it was ever submitted, keeps the field empty.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

NEVER_SUBMITTED_STATUSES = ("draft", "withdrawn")


def fill_first_submitted_at(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    ApplicationEvent = apps.get_model("applications", "ApplicationEvent")
    first_submit = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), action="submit")
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    pending = Application.objects.filter(first_submitted_at__isnull=True)
    pending.filter(events__action="submit").update(first_submitted_at=Subquery(first_submit))
    pending = Application.objects.filter(first_submitted_at__isnull=True)
    submitted_without_entry = pending.filter(number__isnull=False) | pending.exclude(
        status__in=NEVER_SUBMITTED_STATUSES
    )
    submitted_without_entry.update(first_submitted_at=Coalesce("submitted_at", "updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="first submitted at"),
        ),
        migrations.RunPython(fill_first_submitted_at, migrations.RunPython.noop),
    ]

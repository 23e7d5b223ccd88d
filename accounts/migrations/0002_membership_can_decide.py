"""Separate a recommending organisation's deciders from its reviewers.

Every existing recommender member decided until now, so they all keep deciding, except the demo's second reviewer
(reviewer@demo.saq.test), who only scores.
"""

from django.db import migrations, models

DEMO_REVIEWER = "reviewer@demo.saq.test"


def existing_members_decide(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    Membership.objects.filter(role="recommender").exclude(user__email__iexact=DEMO_REVIEWER).update(can_decide=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="can_decide",
            field=models.BooleanField(
                default=False,
                help_text="Recommends, declines, returns, ranks and hands in for the recommending organisation.",
                verbose_name="decides for the organisation",
            ),
        ),
        migrations.RunPython(existing_members_decide, migrations.RunPython.noop),
    ]

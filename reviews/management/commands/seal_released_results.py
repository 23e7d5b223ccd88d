from django.core.management.base import BaseCommand

from reviews.checksum import released_scheme_seal
from reviews.models_levels import LevelScheme


class Command(BaseCommand):
    help = (
        "Store the checksum of the released results of every edition released before checksums existed (run once "
        "after deploying reviews 0006). Audited per edition; idempotent: a sealed edition is left alone."
    )

    def handle(self, *args, **options):
        pending = LevelScheme.objects.filter(released_at__isnull=False, released_checksum="").select_related("edition")
        sealed = 0
        for scheme in pending.order_by("pk"):
            if released_scheme_seal(actor=None, scheme=scheme):
                sealed += 1
                scheme.refresh_from_db(fields=["released_checksum"])
                self.stdout.write(f"sealed {scheme.edition}: {scheme.short_checksum}")
        self.stdout.write(self.style.SUCCESS(f"{sealed} released edition(s) sealed."))

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from core.seeding import DEMO_PASSWORD, seeders


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        random.seed(2026)
        logins: list[tuple[str, str]] = []
        for name, seeder in seeders():
            self.stdout.write(f"seeding {name} ...")
            with transaction.atomic():
                logins += seeder(stdout=self.stdout) or []
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {DEMO_PASSWORD}):"))
        for login, description in logins:
            self.stdout.write(f"  {login:<32} {description}")

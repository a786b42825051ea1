"""Load the demo programme (idempotent): one login per role, then each app's demo records."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_USERS, seed_users

DEMO_USERNAMES = [data.username for data in DEMO_USERS]


class Command(BaseCommand):
    help = "Create the demo programme and one demo login per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo passwords on a real deployment are a risk).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a known password; with DEBUG off it needs --force."
            )
        from collaboration.demo import seed_collaboration
        from delegations.demo import seed_delegation
        from genebank.demo import seed_genebank
        from mou.demo import seed_mou
        from portal.models import User

        with transaction.atomic():
            created = seed_users(password=settings.DEMO_PASSWORD)
            users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
            programme = seed_collaboration(users=users)
            seed_delegation(programme=programme, users=users)
            seed_mou(programme=programme, users=users)
            seed_genebank(programme=programme, users=users)
        self.stdout.write(self.style.SUCCESS(f"Demo users: {created} created."))
        self.stdout.write(
            self.style.SUCCESS(
                "Demo programme: priority areas, team, "
                "recommendations, the kickoff meeting, the visit to BGI and the MoU draft are in place."
            )
        )
        self.stdout.write("Demo logins (password from DEMO_PASSWORD):")
        for data in DEMO_USERS:
            self.stdout.write(f"  {data.username:<12} {data.full_name}")

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from objectives.demo.builder import (
    DEMO_PASSWORD,
    DemoBuilder,
    existing_demo_logins,
)
from objectives.models import Objective


def positive_scale(text):
    try:
        scale = float(text)
    except ValueError:
        raise CommandError(f"--scale {text!r} is not a number.") from None
    if not 0 < scale <= 20:
        raise CommandError("--scale must be above 0 and at most 20.")
    return scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional government on top of the real "
        "organisations: people, cascades, projects, indicators, lenses and status."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=positive_scale,
            default=1.0,
            help="1 gives the figures of the real tool (400 users, 2,600 "
            "objectives, 8,000 projects, ...); 0.05 a quick demo.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, successfully, when the database holds objectives.",
        )

    def handle(self, *args, scale, seed, if_empty, **options):
        if Objective.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds data; seeding skipped.")
                self.write_logins(existing_demo_logins())
                return
            raise CommandError(
                "The database already holds objectives; seed an empty database."
            )

        started = time.monotonic()
        builder = DemoBuilder(scale=scale, seed=seed)
        counts = builder.build()
        elapsed = time.monotonic() - started

        for name, count in counts.items():
            self.stdout.write(f"{count:>9,}  {name}")
        self.stdout.write(
            f"Seeded at scale {scale} with seed {seed} in {elapsed:.1f} s."
        )
        self.write_logins(builder.logins)

    def write_logins(self, logins):
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: the demo accounts have no password.")
            return
        self.stdout.write(f"\nDemo logins (password: {DEMO_PASSWORD}):")
        for username, role, entity in logins:
            where = f" in {entity.name}" if entity else ""
            self.stdout.write(f"  {username:<20} {role}{where}")

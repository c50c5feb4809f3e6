from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources import sync
from sources.models import Source, SyncRun

REJECTIONS_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Import one authentic source now, in this process, and print what the "
        "run did. Reads the configured feed unless --url or --file is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=Source.values)
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--url", help="Read this feed instead of the configured.")
        where.add_argument("--file", help="Read this file (the feed's format).")
        parser.add_argument(
            "--full",
            action="store_true",
            help="A full load: end what the feed no longer lists.",
        )

    def handle(self, *args, source, url, file, full, **options):
        location = self.location(source, url, file)
        mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
        run = sync.start_run(source, mode=mode, location=location)

        run = sync.perform_run(run.pk)

        self.report(run)
        if run.status != SyncRun.Status.SUCCEEDED:
            raise CommandError(f"The run of {source} failed: {run.error}")

    def location(self, source, url, file):
        if file:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"The file {file} does not exist.")
            return str(path.resolve())
        location = url or sync.configured_location(source)
        if not location:
            raise CommandError(
                f"No feed address is configured for {source}: give --url or --file."
            )
        return location

    def report(self, run):
        self.stdout.write(
            f"Run {run.public_id} of {run.source} ({run.mode}) from {run.location}: "
            f"{run.status}"
        )
        for name, count in run.counts.items():
            self.stdout.write(f"  {name:<10} {count:>8,}")
        rejections = list(run.rejections.all()[:REJECTIONS_SHOWN])
        if rejections:
            self.stdout.write(f"First rejected documents (of {run.rejected:,}):")
        for rejection in rejections:
            self.stdout.write(
                f"  #{rejection.position} {rejection.identifier or '-'}: "
                f"{rejection.reason}"
            )

"""Screenshots of the running demo for the README.

Start the demo first (``make run``), then in a second terminal::

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000]

It reads the demo database (the same ``DATABASE_URL`` as the server) to find
the pages, logs in through the login form as the demo reader of the
Departement MOW in Debian's Chromium, and writes PNG files to
``docs/screenshots/``.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "traject.settings")

import django  # noqa: E402 (settings must be chosen before Django loads)

django.setup()

from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from objectives.demo.builder import DEMO_PASSWORD  # noqa: E402
from objectives.models import Lens, Project  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pages():
    project = (
        Project.objects.filter(
            lead_organisation__ovo_number="OVO000096", milestones__isnull=False
        )
        .order_by("code")
        .first()
    )
    lens = (
        Lens.objects.filter(kind=Lens.Kind.TRANSVERSAL_PLAN)
        .annotate(size=Count("entries"))
        .order_by("-size")
        .first()
    )
    return [
        ("cascade", reverse("objectives:organisation_detail", args=["OVO000096"])),
        ("project", project.get_absolute_url()),
        ("lens", lens.get_absolute_url()),
    ]


def main():
    parser = argparse.ArgumentParser(description="Screenshots for the README.")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="lezer.dmow")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    arguments = parser.parse_args()
    out = Path(arguments.out)
    out.mkdir(parents=True, exist_ok=True)

    # Read the database before Playwright runs its event loop in this thread.
    targets = pages()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{arguments.base_url}/login/")
        page.get_by_label("Gebruikersnaam").fill(arguments.user)
        page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
        page.locator("form.login button[type=submit]").click()
        page.wait_for_load_state()
        for name, path in targets:
            page.goto(f"{arguments.base_url}{path}")
            page.screenshot(path=str(out / f"{name}.png"))
            sys.stdout.write(f"{out / name}.png  {path}\n")
        browser.close()


if __name__ == "__main__":
    main()

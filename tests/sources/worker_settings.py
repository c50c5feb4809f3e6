"""The settings of the Celery worker that ``test_worker`` starts: the
project's, with the sample source behind every runner and a lease of a few
seconds, so that a killed worker's run is soon stale."""

from traject.settings import *  # noqa: F403 -- extends the project's settings

SOURCE_RUNNERS = {
    "organisations": "tests.sources.sample_source.run_sample",
    "staff": "tests.sources.sample_source.run_sample",
    "processes": "tests.sources.sample_source.run_sample",
}
SOURCE_LOCK_MINUTES = 0.1

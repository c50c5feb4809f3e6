"""Shared pytest configuration; the personas and factories are plain modules."""


def pytest_configure(config):
    # WhiteNoise warns on every request when collectstatic has not run, which
    # tests do not need.
    config.addinivalue_line(
        "filterwarnings", "ignore:No directory at:UserWarning:django.core.handlers"
    )

"""Typed readers of settings from the environment.

Each reader fails loudly with ``ImproperlyConfigured`` on a value it cannot
understand, so a typo in a deployment stops the process at start-up instead of
running with a silently different setting.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_str(name, default=None, *, environ=os.environ):
    value = environ.get(name, "").strip()
    return value if value else default


def env_bool(name, default, *, environ=os.environ):
    value = env_str(name, environ=environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no."
    )


def env_int(name, default, *, environ=os.environ, minimum=None):
    value = env_str(name, environ=environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}.")
    return number


def env_list(name, default, *, environ=os.environ):
    value = env_str(name, environ=environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_database_url(url, *, base_dir):
    """Turn a ``DATABASE_URL`` into a Django ``DATABASES`` entry.

    Understands ``sqlite:///relative/path``, ``sqlite:////absolute/path`` and
    ``postgres://user:password@host:port/name?option=value`` (also spelled
    ``postgresql://``).
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no SQLite file.")
        file = Path(path) if Path(path).is_absolute() else Path(base_dir) / path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(file)}
    if parts.scheme in {"postgres", "postgresql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(f"DATABASE_URL {url!r} names no database.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_URL {url!r} has a bad port."
            ) from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            # JIT compilation costs more than it saves on short page queries.
            "OPTIONS": {"options": "-c jit=off", **dict(parse_qsl(parts.query))},
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported; "
        "use sqlite:/// or postgres://."
    )


def parse_redis_url(url):
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"REDIS_URL {url!r} is not a redis://host:port/db address."
        )
    return url

"""Who is asking: the client's address and a short description of its browser,
for the login lockout (django-axes) and the log of refused access."""

import ipaddress

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.shortcuts import render
from django.utils import timezone

USER_AGENT_LENGTH = 200


def client_ip(request):
    """The client's address: the right-most entry of X-Forwarded-For behind
    the TLS proxy (the one the proxy itself appended, which a client cannot
    forge), else the address of the connection."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return _valid(addresses[-1])
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(address):
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]


def end_sessions_of(user_ids):
    """Delete every live session of the accounts ``user_ids``; returns how many.

    Sessions are stored encoded, so the unexpired ones are read in batches
    and decoded; with sessions ending after half an hour idle there are only
    as many as people at work.
    """
    wanted = {str(user_id) for user_id in user_ids if user_id is not None}
    if not wanted:
        return 0
    store = SessionStore()
    doomed = [
        key
        for key, data in Session.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=2000)
        if str(store.decode(data).get("_auth_user_id")) in wanted
    ]
    for start in range(0, len(doomed), 1000):
        Session.objects.filter(session_key__in=doomed[start : start + 1000]).delete()
    return len(doomed)


def lockout_response(request, original_response=None, credentials=None):
    """The page of a locked-out login (django-axes), with status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)

"""How the API answers errors: as Django REST framework does, after logging
refused access like the web pages do."""

from rest_framework.views import exception_handler as rest_exception_handler

from traject.middleware import record_refusal


def exception_handler(exception, context):
    """The framework turns 403s and 404s into responses itself, out of the
    sight of ``AccessRefusalMiddleware``: log the refusals here, with the
    integration's account as the user."""
    record_refusal(context["request"], exception)
    return rest_exception_handler(exception, context)

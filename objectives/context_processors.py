from django.utils.functional import SimpleLazyObject

from objectives import access


def navigation(request):
    """The organisations of the header's entity switcher, read only when the
    page shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def organisations():
        return list(access.organisations_of(user).order_by("name"))

    return {"my_organisations": SimpleLazyObject(organisations)}

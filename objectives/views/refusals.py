"""The log of refused access, for global administrators: who was refused
what, when and from where."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from objectives import access

REFUSALS_PER_PAGE = 50


def refusal_list(request):
    refusals = access.refusals(request.user)
    username = request.GET.get("user", "").strip()[:150]
    if username:
        refusals = refusals.filter(user__username__iexact=username)
    page = Paginator(refusals, REFUSALS_PER_PAGE).get_page(request.GET.get("page"))
    for refusal in page.object_list:
        refusal.component_url = _component_url(refusal)
    query = f"{urlencode({'user': username})}&" if username else ""
    context = {"page": page, "username": username, "query": query}
    return render(request, "objectives/refusal_list.html", context)


def _component_url(refusal):
    if not refusal.component_type:
        return ""
    try:
        return reverse(
            f"objectives:{refusal.component_type}_detail",
            kwargs={"public_id": refusal.component_id},
        )
    except NoReverseMatch:
        return ""

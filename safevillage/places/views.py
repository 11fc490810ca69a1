from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safevillage.accounts.scoping import access_or_404, prefixes
from safevillage.places.models import Place


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    """The top of the user's own tree: the provinces for national users, else the places of
    their assignments (a commune officer starts at the commune)."""
    allowed = prefixes(request.user, "places.view")
    places = Place.objects.filter(level=1) if "" in allowed else Place.objects.filter(code__in=allowed)
    return render(request, "places/browse.html", {"places": places})


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    visible = Place.objects.visible_to(request.user)
    place = access_or_404(visible, code=code)
    # Ancestors are shown for orientation only where the user may see them.
    ancestors = visible.filter(code__in=place.ancestor_codes())
    children = place.children.order_by("code")  # under a visible place, so visible too
    return render(request, "places/detail.html", {"place": place, "ancestors": ancestors, "children": children})


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    # search() orders best first: the exact code or name, then by level and code.
    results = Place.objects.visible_to(request.user).search(query) if query else Place.objects.none()
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    template = "places/_results.html" if getattr(request, "htmx", False) else "places/search.html"
    return render(request, template, {"query": query, "page": page})

"""Long lists a page at a time: the page asked for in ``?page=`` (the last one past the end)."""

from django.core.paginator import Paginator

PAGE_SIZE = 50


def paginate(request, items, per_page=PAGE_SIZE):
    """Context for ``partials/pagination.html``: ``page_obj`` and the elided ``page_range``.

    ``items`` is an ordered queryset (one COUNT and one sliced query) or a list.
    """
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return {"page_obj": page, "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)}

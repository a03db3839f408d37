"""File responses shared by the apps: stored files streamed through permission-checked views."""

from django.http import FileResponse, Http404

from districts.domain.images import content_type_of


def serve_image(field_file, public):
    """Stream a stored image through Django (never from MEDIA_URL) with its type and a cache policy."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type_of(field_file.name))
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, max-age=600"
    return response

"""The address a request comes from, as far as the deployment's declared proxies let us know it.

Used by the login lock-out (django-axes, ``AXES_CLIENT_IP_CALLABLE``), the throttles of mail-sending
forms and the score history. Behind ``PROXY_COUNT`` reverse proxies that each append the address they
received the request from to ``X-Forwarded-For`` (nginx: ``$proxy_add_x_forwarded_for``), the client is
the address the outermost proxy saw: the ``PROXY_COUNT``-th entry from the right of the header, the last
proxy being ``REMOTE_ADDR`` itself. Whatever a client writes into the header itself stands further left
and is never read. With ``PROXY_COUNT = 0`` (the default: the portal is reached directly) the header is
ignored altogether. ``TRUSTED_PROXIES`` (addresses or networks) narrows it further: the header is read
only on requests that come from one of them, so that a client reaching the application server directly,
past the proxy, cannot choose its address.
"""

import ipaddress
from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from ipware.ip import get_client_ip


@lru_cache(maxsize=8)
def _networks(entries):
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _from_trusted_proxy(remote_addr):
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request):
    """The client's address (a string), or None when the request names none."""
    remote_addr = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if not proxies or not remote_addr or not _from_trusted_proxy(remote_addr):
        return remote_addr
    # The header ends with the client and the proxies before the last one (which is REMOTE_ADDR): only
    # those last ``proxies`` entries were written by our proxies. Whatever stands to their left came from
    # the client and is cut off before anything is parsed (a forged quote or garbage cannot shift them).
    header = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    trusted = header.rsplit(",", proxies)[-proxies:] if header.strip() else []
    if len(trusted) < proxies:
        return remote_addr  # fewer entries than proxies: this request did not come through them
    address, _routable = get_client_ip(
        SimpleNamespace(META={"HTTP_X_FORWARDED_FOR": ",".join(trusted)}),
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=True,
    )
    return address or remote_addr

"""The client's address, and the key every rate limit and the login throttle count it by.

Behind TRUSTED_PROXIES proxies (each appending to X-Forwarded-For), Werkzeug's ProxyFix makes
`request.remote_addr` the client's own address; with 0 (the default) the X-Forwarded-*
headers are ignored, so a client cannot pick its own address. An IPv6 client is counted by
its /64, the block one subscriber (a home, a phone, a server) is usually given."""

from __future__ import annotations

import ipaddress

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

IPV6_PREFIX = 64


def rate_limit_key(address: str | None) -> str:
    """The key of an address: IPv4 as is, IPv6 as its /64 (an IPv4-mapped one as the IPv4)."""
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def client_key() -> str:
    """The rate-limit key of the current request's client."""
    return rate_limit_key(request.remote_addr)


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and X-Forwarded-Proto from TRUSTED_PROXIES hops, and no more."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0,
                                x_prefix=0)

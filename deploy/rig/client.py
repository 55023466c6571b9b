"""HTTP clients of the rig: through nginx (TLS, its own certificate), or straight to one web
node, the client then standing where nginx stands (it says the request came over HTTPS and
hands the node the Secure cookies, as nginx does after TLS)."""

from __future__ import annotations

import re
from http.cookiejar import DefaultCookiePolicy

import requests
from requests.adapters import HTTPAdapter

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class ProxyCookiePolicy(DefaultCookiePolicy):
    """Secure cookies go to the plain-HTTP nodes too: only the rig's client talks to them."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class SourceAddressAdapter(HTTPAdapter):
    """Connect from a chosen loopback address (127.0.0.2 …): another client, as nginx and the
    rate limits see it."""

    def __init__(self, source: str, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


class Client(requests.Session):
    """A browser-like session on the rig: `get("/path")` through nginx, `node=i` for a node."""

    def __init__(self, rig, source: str | None = None):
        super().__init__()
        self.rig = rig
        self.trust_env = False  # REQUESTS_CA_BUNDLE would replace the rig's certificate
        self.verify = str(rig.certificate)
        self.cookies.set_policy(ProxyCookiePolicy())
        if source:
            for prefix in ("https://", "http://"):
                self.mount(prefix, SourceAddressAdapter(source))

    def request(self, method, path, *args, node: int | None = None, **kwargs):
        if node is None:
            url = self.rig.url + path
        else:
            url = f"http://{self.rig.node(node)}{path}"
            kwargs["headers"] = {"X-Forwarded-Proto": "https", **(kwargs.get("headers") or {})}
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 30)
        return super().request(method, url, *args, **kwargs)

    def csrf_token(self, path: str, node: int | None = None) -> str:
        """The CSRF token of the form on the page at `path`."""
        page = self.get(path, node=node)
        match = CSRF_TOKEN.search(page.text)
        if match is None:
            raise AssertionError(f"no csrf_token on {path} ({page.status_code})")
        return match.group(1)

    def sign_in(self, email: str, password: str, node: int | None = None):
        """Sign in through the /login form; the answer (a redirect when it worked)."""
        token = self.csrf_token("/login", node)
        return self.post("/login", data={"email": email, "password": password,
                                         "csrf_token": token}, node=node)

    def api_token(self, email: str, password: str) -> dict[str, str]:
        """A bearer token for the JSON API, as an Authorization header."""
        answer = self.post("/api/v1/tokens", json={"email": email, "password": password})
        if answer.status_code != 201:
            raise AssertionError(f"POST /api/v1/tokens: {answer.status_code} {answer.text}")
        return {"Authorization": f"Bearer {answer.json()['token']}"}

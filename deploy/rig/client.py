"""HTTP clients of the rig: through nginx (TLS, its own certificate), or straight to one web
node, the client then standing where nginx stands (it says the request came over HTTPS and
hands the node the Secure cookies, as nginx does after TLS)."""

from __future__ import annotations

import re

import requests
from requests.adapters import HTTPAdapter

CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
        if source:
            for prefix in ("https://", "http://"):
                self.mount(prefix, SourceAddressAdapter(source))

    def request(self, method, path, *args, node: int | str | None = None, **kwargs):
        """`path` through nginx, or with `node` (an index, or an address host:port) on a node."""
        address = self.rig.node(node) if isinstance(node, int) else node
        origin = self.rig.url if address is None else f"https://{address}"
        url = self.rig.url + path if address is None else f"http://{address}{path}"
        # A browser's Referer (same-origin policy: the whole URL); Flask-WTF wants it on HTTPS.
        headers = {"Referer": origin + path}
        if address is not None:
            headers["X-Forwarded-Proto"] = "https"
            # The jar keeps Secure cookies from plain HTTP: hand them over as nginx would.
            headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}"
                                          for cookie in self.cookies)
        kwargs["headers"] = {**headers, **(kwargs.get("headers") or {})}
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


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) .* '
                         r'upstream=(?P<upstream>.*?) upstream_status=(?P<upstream_status>.*?) time=')


def access_entries(rig) -> list[dict]:
    """nginx's access log: per request its method, path, status and the nodes tried in turn."""
    entries = []
    for line in rig.access_log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match:
            entry = match.groupdict()
            entry["nodes"] = [node.strip() for node in entry["upstream"].split(",")
                              if node.strip() and node.strip() != "-"]
            entries.append(entry)
    return entries

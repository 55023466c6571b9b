"""The credential issuer at the edge (API-2 §5): the keys from CREDENTIAL_SIGNING_KEY and
CREDENTIAL_PREVIOUS_KEYS, or, outside production, a key made once in CREDENTIAL_KEY_FILE
(instance/); the holder-hash secret; and this process's status-list cache. Services are
handed the `credentials.Issuer` this builds and never read the configuration."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import current_app

from app.services import credentials

HOLDER_SALT_LABEL = b"lifeline-credential-holder-salt"


def _key_ring(config) -> credentials.KeyRing:
    signing = config.get("CREDENTIAL_SIGNING_KEY", "")
    if not signing.strip():
        key_file = config.get("CREDENTIAL_KEY_FILE") or str(
            Path(current_app.instance_path) / "credential-signing-key.pem")
        signing = credentials.load_or_create_key_file(Path(key_file))
    return credentials.key_ring(signing, config.get("CREDENTIAL_PREVIOUS_KEYS", ""))


def holder_salt_secret(config) -> bytes:
    """CREDENTIAL_HOLDER_SALT, else a secret derived from SECRET_KEY (never SECRET_KEY itself)."""
    configured = config.get("CREDENTIAL_HOLDER_SALT", "")
    if configured:
        return configured.encode()
    return hmac.new(str(config["SECRET_KEY"]).encode(), HOLDER_SALT_LABEL,
                    hashlib.sha256).digest()


def credential_issuer() -> credentials.Issuer:
    """The center as issuer, with its keys (loaded once per app)."""
    app = current_app._get_current_object()
    keys = app.extensions.get("credential_keys")
    if keys is None:
        keys = app.extensions["credential_keys"] = _key_ring(app.config)
    return credentials.Issuer(
        base_url=app.config["PUBLIC_BASE_URL"], name=app.config["CENTER_NAME"],
        zone=app.config["CENTER_TIMEZONE"], holder_salt_secret=holder_salt_secret(app.config),
        keys=keys)


def status_list_cache() -> credentials.StatusListCache:
    return current_app.extensions.setdefault("credential_status_lists",
                                             credentials.StatusListCache())

"""The verify page's credential form: a credential pasted as JSON or uploaded as its file."""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

# Far above any credential Lifeline issues (a few KB); MAX_REQUEST_BYTES bounds the request.
MAX_CREDENTIAL_CHARACTERS = 200_000


class CredentialForm(FlaskForm):
    """Exactly one of: the pasted text, the uploaded file; either must be a JSON object."""

    credential = TextAreaField(_l("or paste it"), validators=[
        Optional(), Length(max=MAX_CREDENTIAL_CHARACTERS)])
    credential_file = FileField(_l("Upload the credential's .json file"))

    document: dict | None = None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        upload = self.credential_file.data
        text = (self.credential.data or "").strip()
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_CREDENTIAL_CHARACTERS + 1)
            if len(raw) > MAX_CREDENTIAL_CHARACTERS:
                return self._refuse(_("The file is too large to be a credential."))
            text = raw.decode("utf-8", "replace").strip()
        if not text:
            return self._refuse(_("Upload the credential's .json file or paste its text."))
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            return self._refuse(_("This is not JSON: upload or paste the credential file as "
                                  "it was downloaded."))
        if not isinstance(document, dict):
            return self._refuse(_("A credential is a JSON object ({ … })."))
        self.document = document
        return True

    def _refuse(self, message: str) -> bool:
        self.credential.errors = [*self.credential.errors, message]
        return False

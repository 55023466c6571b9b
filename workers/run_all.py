"""`make run`: serve the app with gunicorn (the background-work issue adds worker and beat)."""

import os
import sys


def main() -> None:
    port = os.environ.get("PORT", "5000")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(gunicorn, [gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"])


if __name__ == "__main__":
    main()

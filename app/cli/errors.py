"""How a command ends on a user error (API.md): one line per error on stderr, exit status 1,
never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click


def fail(message: str, *, errors: Sequence[str] = ()) -> NoReturn:
    """Print `Error: message` on stderr and exit 1.

    A command that found several errors (an import's bad rows) gives them as `errors`: they
    are printed first, one a line, and `message` then follows plainly as their count."""
    for error in errors:
        click.echo(error, err=True)
    click.echo(message if errors else f"Error: {message}", err=True)
    sys.exit(1)

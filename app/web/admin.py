"""Pages for the admin audience."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

"""Pages for the instructor audience."""

from flask import Blueprint

bp = Blueprint("instructor", __name__)

"""Sign in, sign out, registration and password resets."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

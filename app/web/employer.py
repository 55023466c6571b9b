"""Pages for the employer audience."""

from flask import Blueprint

bp = Blueprint("employer", __name__)

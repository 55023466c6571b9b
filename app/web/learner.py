"""Pages for the learner audience."""

from flask import Blueprint

bp = Blueprint("learner", __name__)

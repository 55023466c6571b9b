"""Lifeline: the enrollment and records system of a CPR / BLS / first-aid training center."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from flask import Flask

from config import Config, config_from_env


def create_app(config: type[Config] | None = None) -> Flask:
    """The application factory."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
    )
    app.config.from_object(config or config_from_env())
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(days=app.config["REMEMBER_DAYS"])
    # A database error names its statement, never its values (codes, addresses, token hashes),
    # so a logged error cannot leak them.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True,
                                               **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    from app.production import check_database, check_payment_settings, check_settings

    check_payment_settings(app.config)
    if app.config["ENV_NAME"] == "production":
        check_settings(app.config)  # before anything connects anywhere
    register_extensions(app)
    if app.config["ENV_NAME"] == "production":
        check_database(app)
    register_blueprints(app)
    register_commands(app)
    register_background_work(app)
    from app.errors import register_error_handlers
    from app.web.templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    from app.web.language import register_language

    register_language(app)
    from app.security import register_security

    register_security(app)
    from app.client_address import trust_proxies
    from app.request_size import bound_request_bodies

    bound_request_bodies(app)
    from app.observability import register_observability

    register_observability(app)  # inside ProxyFix: /metrics sees the client's own address
    trust_proxies(app)

    from app.private_responses import register_private_responses

    register_private_responses(app)
    return app


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app import models  # noqa: F401  (every model registered before mapping is used)
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.services.accounts import passwords

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to access this page.")
    login_manager.login_message_category = "info"
    login_manager.refresh_view = "auth.login"
    login_manager.needs_refresh_message = _l("Please sign in again to confirm it is you.")
    csrf.init_app(app)
    limiter.init_app(app)
    from app import login_throttle

    login_throttle.init_app(app)
    app.extensions["password_hasher"] = passwords.hasher_for(app.config["ARGON2_TIME_COST"],
                                                             app.config["ARGON2_MEMORY_COST"])

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.models import User

        # "id:epoch" (User.get_id): a session or remember-me cookie made before the user's
        # epoch was raised (password change, reset, sign-out everywhere, deactivation) is refused.
        if not re.fullmatch(r"[0-9]{1,18}:[0-9]{1,9}", user_id):
            return None
        record_id, epoch = user_id.split(":")
        user = db.session.get(User, int(record_id))
        # A deactivated account loses its open browser sessions at once, not at next sign-in.
        if user is None or not user.active or user.session_epoch != int(epoch):
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from app.routing import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter  # before any rule is added
    from app.api import bp as api_bp
    from app.extensions import csrf
    from app.web.account import bp as account_bp
    from app.web.admin import bp as admin_bp
    from app.web.auth import bp as auth_bp
    from app.web.employer import bp as employer_bp
    from app.web.instructor import bp as instructor_bp
    from app.web.learner import bp as learner_bp
    from app.web.public import bp as public_bp
    from app.web.verify import bp as verify_bp

    for blueprint in (public_bp, auth_bp, account_bp, learner_bp, instructor_bp, employer_bp,
                      admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(verify_bp)
    from app.web.admin.records import bp as records_bp

    app.register_blueprint(records_bp)
    from app.web.mail_links import bp as mail_links_bp

    app.register_blueprint(mail_links_bp)
    from app.web.blended import bp as blended_bp

    app.register_blueprint(blended_bp)
    from app.web.calendar_feed import bp as calendar_bp

    app.register_blueprint(calendar_bp)
    from app.web.lost_card import bp as lost_card_bp

    app.register_blueprint(lost_card_bp)
    from app.web.orders import bp as orders_bp
    from app.web.payments import bp as payments_bp

    app.register_blueprint(payments_bp)
    app.register_blueprint(orders_bp)
    csrf.exempt(api_bp)  # the API reads bearer tokens only, never the session cookie
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_background_work(app: Flask) -> None:
    """Bind Celery to the app, so each outbox commit nudges a worker (never in tests)."""
    from workers.celery_app import init_celery  # also installs the after-commit nudge hook

    if not app.testing:
        init_celery(app)


def register_commands(app: Flask) -> None:
    from app.cli import register_cli

    register_cli(app)

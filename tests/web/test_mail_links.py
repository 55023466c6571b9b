"""The signed one-click unsubscribe link in every e-mail."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.services.notifications import mail
from tests import factories


def link_for(app, user) -> str:
    return mail.unsubscribe_url(user.id, app.config).removeprefix(app.config["PUBLIC_BASE_URL"])


def opted_out(user) -> bool:
    db.session.expire_all()
    return db.session.get(User, user.id).reminders_opt_out


def test_opening_the_link_only_asks(app, client):
    holder = factories.learner()
    page = client.get(link_for(app, holder))
    assert page.status_code == 200 and b"Unsubscribe from reminders" in page.data
    assert not opted_out(holder)


def test_the_mail_clients_one_click_post_unsubscribes_without_csrf_token(app_factory):
    strict = app_factory(WTF_CSRF_ENABLED=True)
    with strict.app_context():
        holder = factories.learner()
        response = strict.test_client().post(link_for(strict, holder),
                                             data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and b"You are unsubscribed" in response.data
        assert opted_out(holder)


def test_a_forged_or_garbled_link_changes_nothing(app, client):
    holder = factories.learner()
    other_secret = {**app.config, "SECRET_KEY": "not-ours"}
    assert client.post(link_for(app, holder)[:-3] + "abc").status_code == 404
    assert client.post(mail.unsubscribe_url(holder.id, other_secret)
                       .removeprefix(app.config["PUBLIC_BASE_URL"])).status_code == 404
    assert client.get("/mail/unsubscribe/nonsense").status_code == 404
    assert not opted_out(holder)

"""People are told of events: the right people, never anyone who cannot see the subject, by bell,
e-mail at once or the daily digest as they chose, in their language, with a link."""

from datetime import timedelta

import pytest
from django.core import mail

from collaboration.services import recommendation_comment_add, recommendation_transition
from delegations.services import visit_transition
from events.models import Event, Follow
from events.notify import event_notify
from events.processing import events_sweep
from events.services import follow_set
from mou.services import clause_comment_add, mou_version_publish, mou_version_share
from portal.models import Notification, NotificationPreference, ReminderDelivery
from portal.notifications import notification_preferences_update
from tests.factories import (
    ClauseFactory,
    MouFactory,
    RecommendationFactory,
    TeamMembershipFactory,
    TechnicalTeamFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def process_all():
    return events_sweep(older_than=timedelta(0))


def test_the_author_is_told_when_the_ministry_returns_a_recommendation(approver, nih_expert):
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])

    recommendation_transition(
        recommendation=rec, name="return_for_revision", actor=approver, comment="Add costs."
    )
    process_all()

    note = Notification.objects.get(recipient=nih_expert)
    assert note.title == f"Return for revision: {rec.title}"
    assert "Add costs." in note.body
    assert note.url == rec.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[nih_expert.email]]
    assert rec.get_absolute_url() in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=approver).exists()  # never the actor


def test_the_ministry_desk_is_told_when_the_lead_submits(nih_lead, ministry, approver, nih_expert):
    rec = RecommendationFactory(endorsed=True, authors=[nih_expert])
    TeamMembershipFactory(team=TechnicalTeamFactory(programme=rec.programme), user=nih_lead)

    recommendation_transition(recommendation=rec, name="submit_to_ministry", actor=nih_lead)
    process_all()

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"ministry", "approver", "nih_expert"}


def test_telling_twice_changes_nothing(approver, nih_expert):
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])
    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    event = Event.objects.get()

    event_notify(event_id=event.pk)
    Event.objects.filter(pk=event.pk).update(notified_at=None)  # as if the task ran again
    event_notify(event_id=event.pk)

    assert Notification.objects.filter(recipient=nih_expert).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("language", "title"),
    [("ur", "منظور کریں"), ("zh-hans", "批准")],
)
def test_the_notice_is_in_the_recipients_language(approver, nih_expert, language, title):
    nih_expert.preferred_language = language
    nih_expert.save(update_fields=["preferred_language"])
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])

    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    process_all()

    note = Notification.objects.get(recipient=nih_expert)
    assert note.title.startswith(title)
    assert mail.outbox[0].subject.startswith(title)


@pytest.mark.parametrize(
    ("email", "frequency", "channel"),
    [
        (False, "immediate", "portal"),
        (True, "immediate", "email"),
        (True, "digest", "digest"),
    ],
)
def test_the_preference_decides_bell_email_or_digest(
    approver, nih_expert, email, frequency, channel
):
    notification_preferences_update(
        user=nih_expert, values={"event_recommendation": (email, frequency)}, actor=nih_expert
    )
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])

    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    process_all()

    delivery = ReminderDelivery.objects.get(recipient=nih_expert)
    assert delivery.channel == channel
    assert Notification.objects.filter(recipient=nih_expert).count() == 1
    assert len(mail.outbox) == (1 if channel == "email" else 0)


def test_a_notice_turned_off_tells_nothing(approver, nih_expert):
    notification_preferences_update(
        user=nih_expert, values={"event_recommendation": (True, "off")}, actor=nih_expert
    )
    rec = RecommendationFactory(submitted=True, authors=[nih_expert])

    recommendation_transition(recommendation=rec, name="approve", actor=approver)
    process_all()

    assert not Notification.objects.filter(recipient=nih_expert).exists()
    assert mail.outbox == []


def test_a_reminder_cannot_be_turned_off(nih_expert):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notification_preferences_update(
            user=nih_expert, values={"action_item_due": (True, "off")}, actor=nih_expert
        )
    assert not NotificationPreference.objects.exists()


def test_followers_are_told_of_comments(ministry, nih_lead, nih_expert):
    rec = RecommendationFactory(authors=[nih_expert])
    follow_set(user=nih_lead, subject=rec, following=True, actor=nih_lead)

    recommendation_comment_add(recommendation=rec, actor=ministry, body="Which districts?")
    process_all()

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"nih_lead", "nih_expert"}
    assert "Which districts?" in Notification.objects.get(recipient=nih_lead).body


def test_a_follower_who_can_no_longer_see_the_visit_is_not_told(ministry, bgi_liaison):
    visit = VisitFactory(shared=True)
    follow_set(user=bgi_liaison, subject=visit, following=True, actor=bgi_liaison)
    visit.is_shared_with_bgi = False
    visit.save(update_fields=["is_shared_with_bgi"])

    visit_transition(visit=visit, name="postpone", actor=ministry, comment="Later.")
    process_all()

    assert Follow.objects.filter(user=bgi_liaison).exists()
    assert not Notification.objects.filter(recipient=bgi_liaison).exists()


def test_bgi_hears_of_a_shared_version_but_not_of_an_internal_comment(
    ministry, bgi_liaison, nih_lead
):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    version = mou_version_publish(mou=mou, actor=ministry)
    mou_version_share(version=version, actor=ministry)
    clause_comment_add(
        version=version, clause=version.clauses.get(), actor=nih_lead, body="Internal."
    )
    process_all()

    titles = list(
        Notification.objects.filter(recipient=bgi_liaison).values_list("title", flat=True)
    )
    assert titles == [f"Version shared with BGI: {version}"]


def test_the_lead_is_told_of_bgis_comment_on_a_shared_version(ministry, bgi_liaison, nih_lead):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    version = mou_version_publish(mou=mou, actor=ministry)
    mou_version_share(version=version, actor=ministry)
    process_all()
    Notification.objects.all().delete()

    clause_comment_add(
        version=version, clause=version.clauses.get(), actor=bgi_liaison, body="Clarify."
    )
    process_all()

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"ministry", "nih_lead"}

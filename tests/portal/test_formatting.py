"""One format for dates and numbers per language, and one Markdown renderer, everywhere.

The same moment reads the same on a list, the dashboard and in a flash message, in English,
Urdu and Chinese; amounts carry thousands separators; Markdown is rendered (pages) or stripped
(plain text), never shown raw."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from collaboration.models import Recommendation
from portal.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_pkr,
    markdown_to_text,
    render_markdown,
    spreadsheet_date_format,
)
from tests.factories import RecommendationFactory
from tests.mou.test_signing_views import signed_mou

# 10:24 UTC is 15:24 in Islamabad (TIME_ZONE = Asia/Karachi).
MOMENT = dt.datetime(2026, 12, 3, 10, 24, tzinfo=dt.UTC)
SHOWN = {
    "en": "3 Dec 2026, 15:24",
    "ur": "3 دسمبر 2026، 15:24",
    "zh-hans": "2026年12月3日 15:24",
}
LANGUAGES = list(SHOWN)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_one_datetime_format_whatever_the_name(language):
    with translation.override(language):
        rendered = Template(
            '{{ at|date:"DATETIME_FORMAT" }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}'
        ).render(Context({"at": MOMENT}))
        assert format_datetime(MOMENT) == SHOWN[language]
    assert rendered == f"{SHOWN[language]}|{SHOWN[language]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_never_end_in_a_full_stop(language):
    """A sentence ending with a date or time adds its own full stop ("… at 15:24.")."""
    with translation.override(language):
        for value in (format_date(MOMENT), format_datetime(MOMENT)):
            assert not value.endswith(".")
            assert "p.m" not in value
            assert "a.m" not in value


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_and_rupees_have_thousands_separators(language):
    with translation.override(language):
        assert format_number(Decimal("20000.00")) == "20,000"
        assert format_number(Decimal("1200.5")) == "1,200.5"
        assert format_number(1200, 2) == "1,200.00"
        assert "1,200.00" in format_pkr(Decimal("1200"))
        assert (
            Template("{% load portal %}{{ n|number }} {{ n|pkr }}")
            .render(Context({"n": Decimal("20000.00")}))
            .startswith("20,000 ")
        )
    with translation.override("en"):
        assert format_pkr(Decimal("1234567.891")) == "PKR 1,234,567.89"


def test_spreadsheet_dates_follow_the_language():
    with translation.override("en"):
        assert spreadsheet_date_format() == "d mmm yyyy"
    with translation.override("zh-hans"):
        assert "年" in spreadsheet_date_format()


# Markdown ----------------------------------------------------------------------------------


def test_markdown_is_rendered_and_sanitised_by_the_one_renderer():
    rendered = render_markdown("**Seven** districts <script>alert(1)</script> [x](javascript:1)")

    assert "<strong>Seven</strong>" in rendered
    assert "<script" not in rendered
    assert "javascript:" not in rendered


def test_markdown_to_text_strips_the_markup():
    text = "# Aim\n\nScreen **every** newborn in *Islamabad*; see [NIH](https://nih.org.pk).\n\n- one\n- two"

    assert markdown_to_text(text, single_line=True) == (
        "Aim Screen every newborn in Islamabad; see NIH. - one - two"
    )
    assert markdown_to_text(text, links=True) == (
        "Aim\n\nScreen every newborn in Islamabad; see NIH (https://nih.org.pk).\n\n- one\n- two"
    )
    # A fragment cut from a longer text loses its unpaired markers too.
    assert markdown_to_text("…the **seven districts", single_line=True) == "…the seven districts"


# Pages and messages --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_and_the_dashboard_show_a_moment_alike(client, nih_expert, language):
    recommendation = RecommendationFactory(title="Carrier screening", authors=[nih_expert])
    Recommendation.objects.filter(pk=recommendation.pk).update(updated_at=MOMENT)
    nih_expert.preferred_language = language
    nih_expert.save(update_fields=["preferred_language"])
    client.force_login(nih_expert)

    listing = client.get(reverse("collaboration:recommendation-list")).content.decode()
    dashboard = client.get(reverse("home")).content.decode()

    assert SHOWN[language] in listing
    assert SHOWN[language] in dashboard
    assert "p.m." not in listing + dashboard


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "31 Mar 2027"), ("zh-hans", "2027年3月31日"), ("ur", "31 مارچ 2027")],
)
def test_flash_messages_use_the_same_date_format(client, ministry, approver, language, shown):
    mou = signed_mou(approver, ministry)
    ministry.preferred_language = language
    ministry.save(update_fields=["preferred_language"])
    client.force_login(ministry)

    response = client.post(
        reverse("mou:entry-into-force", args=[mou.pk]), {"effective_on": "2027-03-31"}, follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert any(shown in message for message in messages), messages
    assert not any("2027-03-31" in message for message in messages)

"""The signing page offers only what the service records, and says who a witness is without
forcing a party on them ("Chairman, BGI Group, BGI Group" read twice)."""

import datetime as dt

import pytest
from django.urls import reverse

from mou.models import Mou
from mou.services import (
    clearance_record,
    mou_create,
    mou_transition,
    signatory_add,
    signature_record,
)
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


def approved_by(approver, ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="r")
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    mou = mou_transition(mou=Mou.objects.get(pk=mou.pk), name="approve_for_signature",
                         actor=approver)  # fmt: skip
    first = signatory_add(mou=mou, actor=ministry, name="Secretary Health", title="Secretary",
                          party="gop")  # fmt: skip
    last = signatory_add(mou=mou, actor=ministry, name="President BGI", title="President",
                         party="bgi")  # fmt: skip
    return mou, first, last


def test_the_approver_is_not_offered_the_last_signature_when_maker_checker_refuses_it(
    client, approver, ministry
):
    mou, first, last = approved_by(approver, ministry)
    signature_record(signatory=first, actor=approver, signed_on=dt.date(2027, 3, 1),
                     place="Islamabad")  # fmt: skip
    record_last = reverse("mou:signature-record", args=[last.pk])

    client.force_login(approver)
    as_approver = html_of(client.get(reverse("mou:signing", args=[mou.pk])))
    client.force_login(ministry)
    as_other_officer = html_of(client.get(reverse("mou:signing", args=[mou.pk])))

    assert record_last not in as_approver
    assert "The approver of the text cannot record every signature alone" in as_approver
    assert record_last in as_other_officer


def test_a_witness_need_not_stand_for_a_party(client, ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="Genomics MoU", actor=ministry)
    Mou.objects.filter(pk=mou.pk).update(status=Mou.Status.TEXT_AGREED)
    client.force_login(ministry)
    url = reverse("mou:signatory-create", args=[mou.pk])

    added = client.post(url, {"name": "Wang Jian", "title": "Chairman, BGI Group", "party": "",
                              "is_witness": "on"})  # fmt: skip
    refused = client.post(url, {"name": "Secretary", "title": "Secretary", "party": ""})
    page = html_of(client.get(reverse("mou:signing", args=[mou.pk])))

    assert added.status_code == 302
    witness = mou.signatories.get(is_witness=True)
    assert witness.party == ""
    assert refused.status_code == 400
    assert "Say which party the signatory signs for." in html_of(refused)
    row = page.split('id="witnesses"', 1)[1].split("</table>", 1)[0]
    assert "Chairman, BGI Group" in row
    assert row.count("BGI Group") == 1

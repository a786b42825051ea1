"""The MoU API: what BGI's liaison and machine accounts see, versions, comments and the diff,
the workflow with its clearances, signatures, the signed copy's check, obligations, ETags
and query counts."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from django.urls import reverse

from mou.models import Clause, Mou, MouTransition
from mou.services import (
    ClauseData,
    clause_add,
    clause_comment_add,
    clause_move,
    clause_remove,
    clause_update,
    clearance_record,
    mou_create,
    mou_transition,
    mou_version_publish,
    mou_version_share,
    obligation_add,
    out_of_step_override_record,
    signatory_add,
    signature_record,
    signed_copy_upload,
)
from portal.models import IdempotencyKey
from tests.factories import ClauseFactory, MouFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

M = Mou.Status
PDF = b"%PDF-1.4\nsigned by both parties\n%%EOF\n"
DAY = dt.date(2027, 3, 1)


def url(name, mou, *args):
    return reverse(f"api:mou-{name}", args=[mou.pk, *args])


def if_match(mou):
    mou.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{mou.version}"'}


def _data(clause, **changes):
    values = {f: getattr(clause, f) for f in ("heading_en", "text_en", "heading_zh", "text_zh")}
    return ClauseData(**{**values, **changes})


@pytest.fixture
def negotiated(ministry, bgi_liaison):
    """Version 1 shared with BGI and commented on by both sides; version 2 internal only."""
    mou = mou_create(
        programme=ProgrammeFactory(),
        title="Genomics MoU",
        title_zh="基因组谅解备忘录",
        actor=ministry,
    )
    purpose = ClauseFactory(mou=mou, position=1, heading_en="Purpose", text_en="To cooperate.")
    v1 = mou_version_share(version=mou_version_publish(mou=mou, actor=ministry), actor=ministry)
    snapshot = v1.clauses.get()
    clause_comment_add(version=v1, clause=snapshot, actor=ministry, body="Internal: check law.")
    clause_comment_add(version=v1, clause=snapshot, actor=ministry, body="We propose wording.",
                       visible_to_bgi=True)  # fmt: skip
    clause_comment_add(version=v1, clause=snapshot, actor=bgi_liaison, body="Agreed by BGI.")
    clause_update(clause=purpose, actor=ministry, expected_version=1,
                  data=_data(purpose, text_en="To cooperate in genomics."))  # fmt: skip
    # The Chinese has not followed yet: the ministry goes on under an override.
    out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese follows in vetting.")
    mou_version_publish(mou=mou, actor=ministry, note="Internal revision")
    return Mou.objects.get(pk=mou.pk)


# BGI's liaison --------------------------------------------------------------------------------

SHARED_KEYS = {
    "id", "title", "title_zh", "status", "status_label", "current_version", "effective_on",
    "expires_on",
}  # fmt: skip


def test_bgi_lists_only_mous_with_a_shared_version_in_the_reduced_shape(
    api_as, bgi_liaison, negotiated, ministry
):
    unshared = MouFactory(title="Internal MoU")
    ClauseFactory(mou=unshared)
    mou_version_publish(mou=unshared, actor=ministry)

    response = api_as(bgi_liaison).get(reverse("api:mou-list"))

    rows = response.json()["results"]
    assert response.status_code == 200
    assert [row["title"] for row in rows] == ["Genomics MoU"]
    assert set(rows[0]) == SHARED_KEYS
    # the latest version BGI may read, not the internal version 2
    assert rows[0]["current_version"] == 1
    assert rows[0]["title_zh"] == "基因组谅解备忘录"


def test_bgi_gets_no_clearances_timeline_or_internal_counts(api_as, bgi_liaison, negotiated):
    response = api_as(bgi_liaison).get(url("detail", negotiated))

    body = response.json()
    assert response.status_code == 200
    assert set(body) == SHARED_KEYS
    assert response["ETag"] == f'"{negotiated.version}"'
    assert "NIH technical review" not in response.content.decode()


def test_bgi_sees_only_shared_versions_and_404_for_the_others(api_as, bgi_liaison, negotiated):
    client = api_as(bgi_liaison)

    versions = client.get(url("versions", negotiated))
    unshared = client.get(url("version-detail", negotiated, 2))
    missing = client.get(url("version-detail", negotiated, 9))
    diff = client.get(url("diff", negotiated), {"from": 1, "to": 2})

    assert [v["number"] for v in versions.json()] == [1]
    assert versions.json()[0]["shared"] is True
    assert [r.status_code for r in (unshared, missing, diff)] == [404, 404, 404]
    assert unshared.json() == missing.json()


def test_bgi_reads_only_the_comments_meant_for_bgi(api_as, bgi_liaison, negotiated):
    response = api_as(bgi_liaison).get(url("version-detail", negotiated, 1))

    body = response.json()
    assert response.status_code == 200
    (clause,) = body["clauses"]
    assert [(c["body"], c["is_from_bgi"]) for c in clause["comments"]] == [
        ("We propose wording.", False),
        ("Agreed by BGI.", True),
    ]
    assert "Internal: check law." not in response.content.decode()


def test_bgi_gets_404_for_an_mou_without_a_shared_version(api_as, bgi_liaison, ministry):
    mou = MouFactory()
    ClauseFactory(mou=mou)
    mou_version_publish(mou=mou, actor=ministry)
    client = api_as(bgi_liaison)

    responses = [
        client.get(url("detail", mou)),
        client.get(url("versions", mou)),
        client.get(url("version-detail", mou, 1)),
        client.get(url("diff", mou), {"from": 1, "to": 1}),
        client.get(url("signatures", mou)),
        client.post(url("verify", mou), {"file": SimpleUploadedFile("x.pdf", PDF)},
                    format="multipart"),
    ]  # fmt: skip

    assert [r.status_code for r in responses] == [404] * 6
    assert client.get(reverse("api:mou-list")).json()["count"] == 0


def test_bgi_gets_404_for_the_workflow_and_the_obligations(api_as, bgi_liaison, negotiated):
    client = api_as(bgi_liaison)

    responses = [
        client.get(url("transitions", negotiated)),
        client.post(url("transitions", negotiated), {"transition": "submit_for_review"},
                    **if_match(negotiated)),
        client.get(url("obligations", negotiated)),
        client.get(url("signatures", negotiated)),  # not signed yet
    ]  # fmt: skip

    assert [r.status_code for r in responses] == [404] * 4
    negotiated.refresh_from_db()
    assert negotiated.status == M.DRAFTING


# People inside government and machine accounts -------------------------------------------------


def test_ministry_sees_timeline_next_steps_clearances_and_out_of_step_count(
    api_as, ministry, negotiated
):
    mou_transition(mou=negotiated, name="submit_for_review", actor=ministry, comment="Ready.")
    ClauseFactory(mou=negotiated, position=2)  # in step

    response = api_as(ministry).get(url("detail", negotiated))

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["status_label"]) == ("internal_review", "Internal review")
    assert body["current_version"] == 2
    assert body["out_of_step_count"] == 1  # the purpose changed in English only
    assert body["available_transitions"] == ["start_legal_vetting", "back_to_drafting"]
    first = body["clearances"][0]
    assert (first["name"], first["decision"], len(body["clearances"])) == (
        "NIH technical review",
        "pending",
        4,
    )
    (step,) = body["timeline"]
    assert (step["transition"], step["label"], step["to_label"], step["comment"]) == (
        "submit_for_review", "Submit for internal review", "Internal review", "Ready.",
    )  # fmt: skip


def test_internal_version_detail_has_both_languages_and_every_comment(api_as, ministry, negotiated):
    response = api_as(ministry).get(url("version-detail", negotiated, 1))

    body = response.json()
    (clause,) = body["clauses"]
    assert (body["number"], body["shared"]) == (1, True)
    assert clause["position"] == 1
    assert clause["key"] == str(Clause.objects.get(mou=negotiated).key)
    assert (clause["heading_en"], clause["text_en"]) == ("Purpose", "To cooperate.")
    assert (clause["heading_zh"], clause["text_zh"]) == ("条款", "双方应开展合作。")
    assert [c["body"] for c in clause["comments"]] == [
        "Internal: check law.",
        "We propose wording.",
        "Agreed by BGI.",
    ]


def test_api_client_reads_the_internal_status_but_every_write_is_403(
    api_as, api_client, negotiated
):
    client = api_as(api_client)

    detail = client.get(url("detail", negotiated))
    writes = [
        client.post(url("transitions", negotiated), {"transition": "submit_for_review"},
                    **if_match(negotiated)),
        client.post(url("verify", negotiated), {"file": SimpleUploadedFile("x.pdf", PDF)},
                    format="multipart"),
    ]  # fmt: skip

    assert detail.status_code == 200
    assert len(detail.json()["clearances"]) == 4
    assert detail.json()["available_transitions"] == []
    assert client.get(url("obligations", negotiated)).status_code == 200
    assert [r.status_code for r in writes] == [403, 403]
    negotiated.refresh_from_db()
    assert negotiated.status == M.DRAFTING


def test_detail_answers_304_to_the_current_etag_and_200_once_a_version_is_shared(
    api_as, bgi_liaison, ministry, negotiated
):
    client = api_as(bgi_liaison)
    etag = client.get(url("detail", negotiated))["ETag"]

    unchanged = client.get(url("detail", negotiated), HTTP_IF_NONE_MATCH=etag)
    mou_version_share(version=negotiated.versions.get(number=2), actor=ministry)
    changed = client.get(url("detail", negotiated), HTTP_IF_NONE_MATCH=etag)

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed.json()["current_version"] == 2


# The diff ---------------------------------------------------------------------------------------


def test_the_diff_of_two_versions_gives_each_clause_its_kind_and_word_changes(api_as, ministry):
    mou = MouFactory()
    purpose = ClauseFactory(mou=mou, position=1, heading_en="Purpose", text_en="To cooperate.")
    areas = ClauseFactory(mou=mou, position=2, heading_en="Areas", text_en="Thalassemia.")
    funding = ClauseFactory(mou=mou, position=3, heading_en="Funding", text_en="Own costs.")
    mou_version_publish(mou=mou, actor=ministry)
    clause_update(clause=areas, actor=ministry, expected_version=1,
                  data=_data(areas, text_en="Thalassemia and rare diseases."))  # fmt: skip
    clause_remove(clause=purpose, actor=ministry)
    clause_move(clause=Clause.objects.get(pk=funding.pk), actor=ministry, position=1)
    clause_add(mou=mou, actor=ministry, data=ClauseData(heading_en="Languages", text_en="Both."))
    out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese follows in vetting.")
    mou_version_publish(mou=mou, actor=ministry)

    response = api_as(ministry).get(url("diff", mou), {"from": 1, "to": 2})

    body = response.json()
    assert response.status_code == 200
    assert (body["from_version"], body["to_version"]) == (1, 2)
    kinds = {row["heading_en"]: row["kind"] for row in body["clauses"]}
    assert kinds == {
        "Purpose": "removed", "Areas": "changed", "Funding": "moved", "Languages": "added",
    }  # fmt: skip
    areas_row = next(row for row in body["clauses"] if row["heading_en"] == "Areas")
    assert areas_row["fields"]["text_en"] == [
        {"op": "equal", "text": "Thalassemia"},
        {"op": "insert", "text": " and rare diseases"},
        {"op": "equal", "text": "."},
    ]
    assert areas_row["fields"]["heading_zh"] == [{"op": "equal", "text": "条款"}]
    assert (areas_row["old_position"], areas_row["new_position"]) == (2, 2)
    assert areas_row["key"] == str(areas.key)
    removed = next(row for row in body["clauses"] if row["kind"] == "removed")
    assert (removed["old_position"], removed["new_position"]) == (1, None)


@pytest.mark.parametrize(
    "params", [{}, {"from": 1}, {"from": "one", "to": 2}, {"from": 0, "to": 1}]
)
def test_the_diff_refuses_bad_parameters_with_400(api_as, ministry, negotiated, params):
    response = api_as(ministry).get(url("diff", negotiated), params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_the_diff_of_an_unknown_version_is_404(api_as, ministry, negotiated):
    response = api_as(ministry).get(url("diff", negotiated), {"from": 1, "to": 3})

    assert response.status_code == 404


# The workflow -----------------------------------------------------------------------------------


@pytest.fixture
def text_agreed(ministry):
    mou = mou_create(programme=ProgrammeFactory(), title="MoU", actor=ministry)
    Mou.objects.filter(pk=mou.pk).update(status=M.TEXT_AGREED)
    return Mou.objects.get(pk=mou.pk)


def test_ministry_staff_may_not_approve_for_signature(api_as, ministry, text_agreed):
    response = api_as(ministry).post(
        url("transitions", text_agreed),
        {"transition": "approve_for_signature"},
        **if_match(text_agreed),
    )

    assert response.status_code == 403
    text_agreed.refresh_from_db()
    assert text_agreed.status == M.TEXT_AGREED


def test_the_approver_is_refused_with_409_while_a_clearance_is_missing(
    api_as, approver, text_agreed
):
    response = api_as(approver).post(
        url("transitions", text_agreed),
        {"transition": "approve_for_signature"},
        **if_match(text_agreed),
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "clearance_missing"
    assert "NIH technical review" in response.json()["error"]["message"]
    text_agreed.refresh_from_db()
    assert (text_agreed.status, text_agreed.approved_by) == (M.TEXT_AGREED, None)


def test_the_approver_approves_once_every_clearance_is_recorded(
    api_as, approver, ministry, text_agreed
):
    for clearance in text_agreed.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="r")

    response = api_as(approver).post(
        url("transitions", text_agreed),
        {"transition": "approve_for_signature", "comment": "Approved."},
        **if_match(text_agreed),
    )

    text_agreed.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "approved_for_signature"
    assert response["ETag"] == f'"{text_agreed.version}"'
    assert (text_agreed.status, text_agreed.approved_by) == (M.APPROVED, approver)
    assert MouTransition.objects.get(subject=text_agreed).comment == "Approved."


def test_transitions_list_the_steps_without_those_that_carry_data(api_as, ministry):
    mou = MouFactory(status=M.SIGNED)

    response = api_as(ministry).get(url("transitions", mou))

    # entering into force needs its effective date: it is done in the pages
    assert response.json() == {"available": [], "history": []}


def test_signing_through_this_endpoint_is_409_transition_needs_data(api_as, ministry):
    mou = MouFactory(approved=True)

    response = api_as(ministry).post(
        url("transitions", mou), {"transition": "mark_signed"}, **if_match(mou)
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "transition_needs_data"


def test_a_stale_if_match_is_412_and_a_missing_one_428(api_as, ministry):
    mou = MouFactory()
    client = api_as(ministry)

    stale = client.post(url("transitions", mou), {"transition": "submit_for_review"},
                        HTTP_IF_MATCH='"9"')  # fmt: skip
    missing = client.post(url("transitions", mou), {"transition": "submit_for_review"})

    assert (stale.status_code, missing.status_code) == (412, 428)
    mou.refresh_from_db()
    assert mou.status == M.DRAFTING


# Signing, the signed copy, obligations ----------------------------------------------------------


@pytest.fixture
def signed(ministry, approver):
    """An MoU shared with BGI, approved, signed by both parties, with its signed copy."""
    mou = mou_create(programme=ProgrammeFactory(), title="Signed MoU", actor=ministry)
    ClauseFactory(mou=mou)
    mou_version_share(version=mou_version_publish(mou=mou, actor=ministry), actor=ministry)
    for clearance in mou.clearances.all():
        clearance_record(clearance=clearance, actor=ministry, decision="cleared", reference="r")
    Mou.objects.filter(pk=mou.pk).update(status=M.TEXT_AGREED)
    mou = mou_transition(mou=Mou.objects.get(pk=mou.pk), name="approve_for_signature",
                         actor=approver)  # fmt: skip
    first = signatory_add(mou=mou, actor=ministry, name="Secretary, MoNHSR&C", title="Secretary",
                          party="gop")  # fmt: skip
    second = signatory_add(mou=mou, actor=ministry, name="President, BGI Group",
                           title="President", party="bgi")  # fmt: skip
    signatory_add(mou=mou, actor=ministry, name="NIH Executive Director", title="ED",
                  party="gop", is_witness=True)  # fmt: skip
    signature_record(signatory=first, actor=approver, signed_on=DAY, place="Islamabad")
    signature_record(signatory=second, actor=ministry, signed_on=DAY, place="Shenzhen")
    mou = Mou.objects.get(pk=mou.pk)
    signed_copy_upload(mou=mou, actor=ministry, upload=SimpleUploadedFile("s.pdf", PDF))
    return mou


def verify(client, mou, content):
    return client.post(
        url("verify", mou), {"file": SimpleUploadedFile("copy.pdf", content)}, format="multipart"
    )


def test_verify_answers_true_for_the_same_bytes_and_false_after_a_one_byte_change(
    api_as, bgi_liaison, signed
):
    client = api_as(bgi_liaison)
    tampered = PDF[:-2] + b"X\n"

    same = verify(client, signed, PDF)
    changed = verify(client, signed, tampered)

    assert same.status_code == changed.status_code == 200
    assert same.json() == {"matches": True, "sha256": hashlib.sha256(PDF).hexdigest()}
    assert changed.json() == {"matches": False, "sha256": hashlib.sha256(tampered).hexdigest()}


def test_verify_without_a_file_is_400(api_as, ministry, signed):
    response = api_as(ministry).post(url("verify", signed), {}, format="multipart")

    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_verify_before_there_is_a_signed_copy_is_409(api_as, ministry, negotiated):
    response = verify(api_as(ministry), negotiated, PDF)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_signed_copy"


def test_signatures_list_signatories_in_order_and_witnesses_for_bgi_once_signed(
    api_as, bgi_liaison, signed
):
    response = api_as(bgi_liaison).get(url("signatures", signed))

    body = response.json()
    assert response.status_code == 200
    assert [
        (s["order"], s["name"], s["party"], s["answer"], s["signed_on"], s["place"])
        for s in body["signatories"]
    ] == [
        (1, "Secretary, MoNHSR&C", "gop", "signed", "2027-03-01", "Islamabad"),
        (2, "President, BGI Group", "bgi", "signed", "2027-03-01", "Shenzhen"),
    ]
    assert [(w["name"], w["answer"]) for w in body["witnesses"]] == [
        ("NIH Executive Director", "pending")
    ]
    assert body["signed_copy"]["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_obligations_list_party_due_date_status_and_overdue(api_as, ministry, signed):
    owner = UserFactory(username="focal")
    obligation_add(mou=signed, actor=ministry, party="bgi", description="Train 20 scientists.",
                   due_on=dt.date(2020, 1, 1), owner=owner)  # fmt: skip

    response = api_as(ministry).get(url("obligations", signed))

    (row,) = response.json()
    assert response.status_code == 200
    assert (row["party"], row["party_label"], row["description"]) == (
        "bgi", "BGI Group", "Train 20 scientists.",
    )  # fmt: skip
    assert (row["due_on"], row["status"], row["is_overdue"]) == ("2020-01-01", "open", True)
    assert row["owner"]["username"] == "focal"


# Query counts -----------------------------------------------------------------------------------


def _mous(count, ministry):
    for _ in range(count):
        mou = MouFactory()
        ClauseFactory(mou=mou, lagging_language="zh")
        out_of_step_override_record(mou=mou, actor=ministry, reason="Chinese follows.")
        version = mou_version_publish(mou=mou, actor=ministry)
        mou_version_share(version=version, actor=ministry)
        mou_transition(mou=Mou.objects.get(pk=mou.pk), name="submit_for_review", actor=ministry)


@pytest.mark.parametrize(("persona_name", "max_queries"), [("ministry", 7), ("bgi_liaison", 5)])
def test_list_query_count_is_flat_for_10_and_200_mous(
    api_as, persona, ministry, django_assert_max_num_queries, persona_name, max_queries
):
    user = ministry if persona_name == "ministry" else persona(persona_name)
    client = api_as(user)
    list_url = reverse("api:mou-list")

    _mous(10, ministry)
    # token, its last-used stamp, roles, count, page; internal rows add timeline and clearances
    with django_assert_max_num_queries(max_queries):
        small = client.get(list_url, {"page_size": 200})
    _mous(190, ministry)
    with django_assert_max_num_queries(max_queries):
        large = client.get(list_url, {"page_size": 200})

    assert small.status_code == large.status_code == 200
    assert (small.json()["count"], large.json()["count"]) == (10, 200)
    assert large.json()["results"][0]["current_version"] == 1


def _multipart(client, mou, content, *, boundary, key):
    """A raw multipart POST with the client's own boundary (each real client picks a new one
    for every attempt)."""
    body = encode_multipart(boundary, {"file": SimpleUploadedFile("copy.pdf", content)})
    return client.post(
        url("verify", mou),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retried_upload_with_a_new_boundary_is_replayed_and_another_file_is_refused(
    api_as, ministry, signed
):
    client = api_as(ministry)
    tampered = PDF[:-2] + b"X\n"  # same length, other bytes

    first = _multipart(client, signed, PDF, boundary="attempt-one", key="verify-1")
    retry = _multipart(client, signed, PDF, boundary="attempt-two", key="verify-1")
    other = _multipart(client, signed, tampered, boundary="attempt-one", key="verify-1")

    assert first.status_code == retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert (
        retry.json()
        == first.json()
        == {
            "matches": True,
            "sha256": hashlib.sha256(PDF).hexdigest(),
        }
    )
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_an_unreadable_upload_with_an_idempotency_key_is_a_clear_400_and_keeps_nothing(
    api_as, ministry, signed
):
    response = api_as(ministry).post(
        url("verify", signed),
        b"--x\r\nContent-Disposition: form-data; name=file",
        content_type="multipart/form-data",  # no boundary: the body cannot be parsed
        HTTP_IDEMPOTENCY_KEY="broken-1",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "multipart form could not be read" in response.json()["error"]["message"]
    assert not IdempotencyKey.objects.exists()

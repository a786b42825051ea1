"""Published versions of the MoU: the list and publishing, one version with its comments and
sharing with BGI, the clause-by-clause difference between two versions, and the PDF and Word
exports. BGI's liaison reads only the shared versions and the comments meant for BGI.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from collaboration.diff import diff_html
from portal.exceptions import DomainError
from portal.pages import Confirmation, ask_first, is_confirmed, put_errors_on_form
from portal.recording import require
from portal.types import AuthenticatedHttpRequest
from portal.views import domain_error_message

from .. import policies, selectors, services
from ..exports import download_name, version_docx, version_pdf
from ..forms.drafting import ClauseCommentForm, VersionPairForm, VersionPublishForm
from ..models import ClauseComment, ClauseSnapshot, Mou, MouVersion
from ..workflows import PUBLISHABLE_STATUSES
from .clauses import FIELD_LABELS
from .common import (
    MouInternalsMixin,
    MouPagesMixin,
    get_mou,
    get_version,
    mou_context,
    mou_crumbs,
    visible_mous,
)

KIND_LABELS = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "moved": gettext_lazy("Moved"),
    "changed": gettext_lazy("Changed"),
    "unchanged": gettext_lazy("Unchanged"),
}


def _versions_crumb(mou: Mou) -> tuple[str, str]:
    return (_("Versions"), reverse("mou:version-list", args=[mou.pk]))


def _render_version_list(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    publish_form: VersionPublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    internal = policies.can_view_mou_internals(user, mou)
    versions = (
        MouVersion.objects.visible_to(user)
        .filter(mou=mou)
        .select_related("published_by")
        .order_by("-number")
    )
    if internal:
        versions = versions.annotate(review_count=Count("review_rounds"))
    versions_list = list(versions)
    can_manage = policies.can_manage_mou(user, mou)
    can_publish = can_manage and mou.status in PUBLISHABLE_STATUSES
    pair_form = None
    if len(versions_list) > 1:
        pair_form = VersionPairForm(
            initial={"from": versions_list[1].number, "to": versions_list[0].number},
            numbers=[v.number for v in versions_list],
        )
        pair_form.helper.form_action = reverse("mou:version-diff", args=[mou.pk])
    if can_publish and publish_form is None:
        publish_form = VersionPublishForm()
    if publish_form is not None:
        publish_form.helper.form_action = reverse("mou:version-publish", args=[mou.pk])
    context = {
        **mou_context(request, mou, "versions"),
        "versions": versions_list,
        "can_publish": can_publish,
        "can_share": can_manage,
        "publish_form": publish_form if can_manage else None,
        "pair_form": pair_form,
        "status_label": mou.get_status_display(),
        "breadcrumbs": mou_crumbs(mou, (_("Versions"), None)),
    }
    return render(request, "mou/mouversion_list.html", context, status=status)


class MouVersionListView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        return _render_version_list(request, get_mou(request, pk))


class MouVersionPublishView(MouInternalsMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
        require(policies.can_manage_mou(request.user, mou))
        form = VersionPublishForm(request.POST)
        if not form.is_valid():
            return _render_version_list(request, mou, form, status=400)
        try:
            version = services.mou_version_publish(
                mou=mou, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            put_errors_on_form(form, error)
            return _render_version_list(request, mou, form, status=400)
        except DomainError as error:
            domain_error_message(request, error)
            mou.refresh_from_db()
            return _render_version_list(request, mou, form, status=409)
        messages.success(
            request,
            _(
                "Version %(n)s was published. Its text can no longer change; the draft stays "
                "open for the next version."
            )
            % {"n": version.number},
        )
        return redirect(version)


class MouVersionShareView(MouInternalsMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        mou = get_mou(request, pk)
        version = get_version(request, mou, number)
        require(policies.can_manage_mou(request.user, mou))
        # Ask first only what the service would do (a refusal is shown straight away).
        if not is_confirmed(request) and services.version_share_refusal(version) is None:
            return ask_first(
                request,
                Confirmation(
                    title=_("Share version %(n)s with BGI Group") % {"n": version.number},
                    consequence=_(
                        "Sharing cannot be undone: BGI's liaison will read version %(n)s and "
                        "comment on it from now on, and it stays shared."
                    )
                    % {"n": version.number},
                    confirm_label=_("Share with BGI"),
                    cancel_url=version.get_absolute_url(),
                    breadcrumbs=mou_crumbs(
                        mou,
                        _versions_crumb(mou),
                        (_("Version %(n)s") % {"n": version.number}, version.get_absolute_url()),
                        (_("Share with BGI"), None),
                    ),
                ),
            )
        try:
            shared = services.mou_version_share(version=version, actor=request.user)
        except DomainError as error:
            domain_error_message(request, error)
            return _render_version_detail(request, mou, number, status=409)
        messages.success(
            request,
            _(
                "Version %(n)s is now shared with BGI Group: their liaison can read and comment on it."
            )
            % {"n": shared.number},
        )
        return redirect(shared)


def _render_version_detail(
    request: AuthenticatedHttpRequest,
    mou: Mou,
    number: int,
    *,
    status: int = 200,
    failed: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    version = get_version(request, mou, number)
    internal = policies.can_view_mou_internals(user, mou)
    comments = (
        ClauseComment.objects.visible_to(user)
        .filter(version=version)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    by_clause: dict[int, list[ClauseComment]] = {}
    for comment in comments:
        by_clause.setdefault(comment.clause_id, []).append(comment)
    clauses = list(ClauseSnapshot.objects.filter(version=version).order_by("position", "pk"))
    previous = (
        MouVersion.objects.visible_to(user)
        .filter(mou=mou, number__lt=version.number)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    can_comment = policies.can_comment_version(user, version)
    context = {
        **mou_context(request, mou, "versions"),
        "version": version,
        "rows": [
            {"clause": clause, "comments": by_clause.get(clause.pk, [])} for clause in clauses
        ],
        "show_author_names": internal,
        "can_comment": can_comment,
        "offer_bgi_visibility": can_comment and internal and version.is_shared_with_bgi,
        "can_share": not version.is_shared_with_bgi and policies.can_manage_mou(user, mou),
        "previous_number": previous,
        "failed": failed or {},
        "breadcrumbs": mou_crumbs(
            mou, _versions_crumb(mou), (_("Version %(n)s") % {"n": version.number}, None)
        ),
    }
    return render(request, "mou/mouversion_detail.html", context, status=status)


class MouVersionDetailView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        return _render_version_detail(request, get_mou(request, pk), number)


class ClauseCommentCreateView(MouPagesMixin, View):
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        mou = get_mou(request, pk)
        version = get_version(request, mou, number)
        require(policies.can_comment_version(request.user, version))
        form = ClauseCommentForm(request.POST)
        form.is_valid()
        if "clause" in form.errors:
            raise Http404
        clause = get_object_or_404(ClauseSnapshot, version=version, pk=form.cleaned_data["clause"])
        if form.errors:
            failed = {
                "clause": clause.pk,
                "body": form.data.get("body", ""),
                "errors": form.errors.get("body", []),
            }
            return _render_version_detail(request, mou, number, status=400, failed=failed)
        try:
            services.clause_comment_add(
                version=version,
                clause=clause,
                actor=request.user,
                body=form.cleaned_data["body"],
                visible_to_bgi=form.cleaned_data["visible_to_bgi"],
            )
        except ValidationError as error:
            failed = {
                "clause": clause.pk,
                "body": form.data.get("body", ""),
                "errors": error.messages,
            }
            return _render_version_detail(request, mou, number, status=400, failed=failed)
        messages.success(
            request, _("Your comment on clause %(n)s was added.") % {"n": clause.position}
        )
        return redirect(version.get_absolute_url() + f"#clause-{clause.pk}-comments")


# Differences between versions -------------------------------------------------------------------


def _parse_number(value: str | None) -> int | None:
    """A version number from the query string; None when absent, ValueError when not a number."""
    if value is None or value == "":
        return None
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _change_rows(changes: list[selectors.ClauseChange]) -> list[dict[str, Any]]:
    rows = []
    for change in changes:
        shown = change.new or change.old
        rows.append(
            {
                "kind": change.kind,
                "kind_label": KIND_LABELS[change.kind],
                "moved": change.moved and change.kind != "moved",
                "clause": shown,
                "old_position": change.old.position if change.old else None,
                "new_position": change.new.position if change.new else None,
                "fields": [
                    {
                        "name": name,
                        "label": FIELD_LABELS[name],
                        "is_chinese": name.endswith("_zh"),
                        "html": diff_html(getattr(change, name)),
                        "changed": any(part.op != "equal" for part in getattr(change, name)),
                    }
                    for name in ("heading_en", "heading_zh", "text_en", "text_zh")
                ],
            }
        )
    return rows


class MouVersionDiffView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        mou = get_mou(request, pk)
        versions = list(
            MouVersion.objects.visible_to(request.user)
            .filter(mou=mou)
            .select_related("published_by")
            .order_by("-number")
        )
        try:
            asked_from = _parse_number(request.GET.get("from"))
            asked_to = _parse_number(request.GET.get("to"))
        except ValueError:
            messages.error(request, _("Versions are chosen by their number, for example 2."))
            return self._render(request, mou, None, None, versions, status=400)
        by_number = {v.number: v for v in versions}
        for asked in (asked_from, asked_to):
            if asked is not None and asked not in by_number:
                raise Http404
        if len(versions) < 2 and asked_from is None and asked_to is None:
            return self._render(request, mou, None, None, versions)
        default_from = versions[1].number if len(versions) > 1 else versions[0].number
        old = by_number[asked_from if asked_from is not None else default_from]
        new = by_number[asked_to if asked_to is not None else versions[0].number]
        return self._render(request, mou, old, new, versions)

    def _render(
        self,
        request: AuthenticatedHttpRequest,
        mou: Mou,
        old: MouVersion | None,
        new: MouVersion | None,
        versions: list[MouVersion],
        status: int = 200,
    ) -> HttpResponse:
        rows: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        if old is not None and new is not None:
            rows = _change_rows(selectors.version_diff(old=old, new=new))
            for row in rows:
                counts[row["kind"]] = counts.get(row["kind"], 0) + 1
        pair_form = None
        if versions:
            pair_form = VersionPairForm(
                initial={"from": old.number if old else None, "to": new.number if new else None},
                numbers=[v.number for v in versions],
            )
            pair_form.helper.form_action = reverse("mou:version-diff", args=[mou.pk])
        title = (
            _("Changes from version %(old)s to version %(new)s")
            % {"old": old.number, "new": new.number}
            if old is not None and new is not None
            else _("Compare versions")
        )
        context = {
            **mou_context(request, mou, "versions"),
            "old": old,
            "new": new,
            "rows": rows,
            "summary": [
                {"kind": kind, "label": KIND_LABELS[kind], "count": counts.get(kind, 0)}
                for kind in KIND_LABELS
            ],
            "any_change": any(row["kind"] != "unchanged" for row in rows),
            "page_title": title,
            "version_count": len(versions),
            "pair_form": pair_form,
            "breadcrumbs": mou_crumbs(mou, _versions_crumb(mou), (title, None)),
        }
        return render(request, "mou/mouversion_diff.html", context, status=status)


# Exports ------------------------------------------------------------------------------------


def _export_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> MouVersion:
    """A version the viewer may read (BGI's liaison: shared versions only), else 404."""
    user = request.user
    version: MouVersion = get_object_or_404(
        MouVersion.objects.visible_to(user)
        .filter(mou__in=visible_mous(user))
        .select_related("mou", "published_by", "out_of_step_override__recorded_by"),
        mou_id=pk,
        number=number,
    )
    return version


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class MouVersionPdfView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        version = _export_version(request, pk, number)
        return _attachment(
            version_pdf(version),
            "application/pdf",
            download_name(version.mou, f"-v{version.number}.pdf"),
        )


class MouVersionDocxView(MouPagesMixin, View):
    def get(self, request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
        version = _export_version(request, pk, number)
        return _attachment(
            version_docx(version),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            download_name(version.mou, f"-v{version.number}.docx"),
        )

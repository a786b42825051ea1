"""ViewSets of the MoU API: thin adapters over selectors, policies and services.

Every queryset starts from `visible_to(request.user)`: BGI's liaison sees only MoUs with a
version shared with BGI, only the shared versions and only the comments meant for BGI;
anything else answers 404, as for a record that does not exist. Machine accounts read the
internal status and may change nothing. Drafting (clauses, publishing and sharing versions,
comments) calls the same services as the pages.
"""

from typing import cast

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from mou import policies, selectors
from mou.models import (
    Clause,
    ClauseComment,
    Clearance,
    Mou,
    MouTransition,
    MouVersion,
    SignedCopy,
)
from mou.services import (
    ClauseData,
    clause_add,
    clause_comment_add,
    clause_update,
    file_sha256,
    mou_transition,
    mou_version_publish,
    mou_version_share,
    out_of_step_override_record,
    signed_copy_matches,
)
from mou.workflows import MOU_FLOW, TRANSITIONS_WITH_DATA
from portal.api.concurrency import etag_for, expected_version
from portal.api.mixins import (
    ERRORS_DETAIL,
    ERRORS_READ,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    ConditionalRetrieveMixin,
    FilterListOnlyMixin,
    etag_header,
)
from portal.api.serializers import ErrorSerializer
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.api.writes import (
    JsonWritesMixin,
    create_schema,
    dataclass_from,
    edit_schema,
    example,
    post_schema,
    require_version,
)
from portal.exceptions import Conflict
from portal.models import User

from .filters import MouApiFilter
from .permissions import MouPermission, mou_serializer_class, sees_mou_status
from .serializers import (
    ClauseCommentCreateInputSerializer,
    ClauseCommentSerializer,
    ClauseWriteInputSerializer,
    DraftClauseSerializer,
    MouDiffInputSerializer,
    MouDiffSerializer,
    MouSerializer,
    MouSharedSerializer,
    MouSignaturesSerializer,
    MouTransitionInputSerializer,
    MouVerifyInputSerializer,
    MouVerifySerializer,
    MouVersionDetailSerializer,
    MouVersionPublishInputSerializer,
    MouVersionSerializer,
    ObligationSerializer,
    OutOfStepOverrideInputSerializer,
    OutOfStepOverrideSerializer,
    clause_change_body,
)

MOU_ANY_AUDIENCE = PolymorphicProxySerializer(
    component_name="MouAnyAudience",
    serializers=[MouSerializer, MouSharedSerializer],
    resource_type_field_name=None,
)
VERSION_NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version's number."
)
CLAUSE_ID = OpenApiParameter(
    "clause_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The draft clause's id."
)
CLAUSE_EXAMPLE = example(
    "A clause in both languages",
    {
        "heading_en": "Data sharing",
        "text_en": "Genomic data stay in Pakistan; BGI analyses them under the agreed protocol.",
        "heading_zh": "数据共享",
        "text_zh": "基因组数据留在巴基斯坦；华大基因按照商定的方案进行分析。",
        "priority_areas": ["genomic-surveillance"],
        "recommendations": [12],
    },
)


def step_names(mou: Mou, user) -> list[str]:
    """The steps the caller may take on the MoU through `transitions/`.

    Signing and entry into force follow from their own records (in the pages), so they are
    not offered here. MOU_FLOW's policies read only roles: no query per row.
    """
    return [t.name for t in MOU_FLOW.available(mou, user) if t.name not in TRANSITIONS_WITH_DATA]


@extend_schema_view(
    list=extend_schema(
        description="MoUs the caller may see. BGI's liaison gets only MoUs with a version "
        "shared with BGI, in a reduced shape (`MouShared`).",
        responses={200: PolymorphicProxySerializer(
            component_name="MouListItem",
            serializers=[MouSerializer, MouSharedSerializer],
            resource_type_field_name=None,
            many=True,
        ), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[IF_NONE_MATCH, etag_header(200, 304)],
        responses={200: MOU_ANY_AUDIENCE, 304: NOT_MODIFIED, **ERRORS_DETAIL},
    ),
    transitions=transitions_schema(MouTransitionInputSerializer, MouSerializer),
)  # fmt: skip
class MouViewSet(
    JsonWritesMixin,
    TransitionsActionMixin,
    FilterListOnlyMixin,
    ConditionalRetrieveMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """The MoU with BGI Group: where it stands, its versions and their differences, the
    workflow, signatures, the signed copy's check and the obligations."""

    filterset_class = MouApiFilter
    permission_classes = [IsAuthenticated, MouPermission]
    queryset = Mou.objects.none()
    # Approval for signature is the ministry approver's, with every clearance on record (409
    # `clearance_missing` otherwise). Signing and entry into force follow from their own
    # records in the pages (409 `transition_needs_data` here).
    transition_workflow = MOU_FLOW
    transition_input_serializer = MouTransitionInputSerializer
    transitions_with_data = TRANSITIONS_WITH_DATA
    json_write_actions = frozenset(
        {
            "clauses",
            "clause_detail",
            "clauses_override",
            "versions",
            "version_share",
            "version_comments",
        }
    )

    def get_queryset(self):
        user = self.request.user
        mous = Mou.objects.visible_to(user)
        if self.action not in ("list", "retrieve", "transitions"):
            return mous
        mous = mous.with_current_version(user)
        if sees_mou_status(user):
            mous = mous.with_out_of_step_count().prefetch_related(
                Prefetch(
                    "transitions",
                    queryset=MouTransition.objects.select_related("actor").order_by(
                        "created_at", "pk"
                    ),
                ),
                Prefetch("clearances", queryset=Clearance.objects.order_by("position")),
            )
            mous = mous.select_related("responsible_officer")
        if self.action == "list":
            mous = mous.active()
        return mous.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return mou_serializer_class(self.request.user)

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        if args and args[0] is not None:
            rows = args[0] if kwargs.get("many") else [args[0]]
            kwargs["context"]["available_transitions"] = {
                row.pk: step_names(row, self.request.user) for row in rows
            }
        return super().get_serializer(*args, **kwargs)

    def _version(self, mou: Mou, number: int) -> MouVersion:
        """A version of this MoU the caller may read; 404 for any other number."""
        version = MouVersion.objects.visible_to(self.request.user).filter(mou=mou, number=number)
        found = version.first()
        if found is None:
            raise exceptions.NotFound(_("This MoU has no such version."))
        return found

    # Versions and their difference --------------------------------------------------------------

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: MouVersionSerializer(many=True), **ERRORS_DETAIL},
    )
    @post_schema(
        MouVersionPublishInputSerializer,
        MouVersionSerializer,
        description="Publish the working draft as the next numbered, immutable version "
        "(ministry staff, while the text is worked on).",
        examples=[example("Publish for BGI's comments", {"note": "Sent to BGI for comments"})],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        """GET: the published versions the caller may read, newest first. POST: publish."""
        mou = self.get_object()
        if request.method == "POST":
            data = MouVersionPublishInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            version = mou_version_publish(
                mou=mou, actor=request.user, note=data.validated_data["note"]
            )
            return Response(MouVersionSerializer(version).data, status.HTTP_201_CREATED)
        versions = MouVersion.objects.visible_to(request.user).filter(mou=mou).order_by("-number")
        return Response(MouVersionSerializer(versions, many=True).data)

    @extend_schema(
        request=None,
        parameters=[VERSION_NUMBER],
        responses={200: MouVersionDetailSerializer, **ERRORS_DETAIL},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]+)",
        url_name="version-detail",
        filter_backends=[],
        pagination_class=None,
    )
    def version_detail(self, request, pk=None, number=None):
        """One version with its clauses in both languages and the comments the caller may read."""
        version = self._version(self.get_object(), int(number))
        comments: dict[int, list[ClauseComment]] = {}
        for comment in (
            ClauseComment.objects.visible_to(request.user)
            .filter(version=version)
            .select_related("author")
            .order_by("created_at", "pk")
        ):
            comments.setdefault(comment.clause_id, []).append(comment)
        return Response(MouVersionDetailSerializer(version, context={"comments": comments}).data)

    @extend_schema(
        request=None,
        parameters=[MouDiffInputSerializer],
        responses={200: MouDiffSerializer, 400: ErrorSerializer, **ERRORS_DETAIL},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request, pk=None):
        """Clause-by-clause differences between two versions (`?from=1&to=2`): each clause is
        added, removed, moved, changed or unchanged, with word-level changes per field."""
        mou = self.get_object()
        params = MouDiffInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        old = self._version(mou, params.validated_data["from"])
        new = self._version(mou, params.validated_data["to"])
        body = {
            "from_version": old.number,
            "to_version": new.number,
            "clauses": [clause_change_body(c) for c in selectors.version_diff(old=old, new=new)],
        }
        return Response(MouDiffSerializer(body).data)

    @post_schema(
        None,
        MouVersionSerializer,
        code=200,
        description="Share a published version with BGI's liaison (read and comment); it "
        "cannot be undone (409 if already shared).",
        parameters=[VERSION_NUMBER],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"versions/(?P<number>[0-9]+)/share",
        url_name="version-share",
        filter_backends=[],
        pagination_class=None,
    )
    def version_share(self, request, pk=None, number=None):
        """Share the version with BGI."""
        version = self._version(self.get_object(), int(number))
        shared = mou_version_share(version=version, actor=request.user)
        return Response(MouVersionSerializer(shared).data)

    @post_schema(
        ClauseCommentCreateInputSerializer,
        ClauseCommentSerializer,
        description="Comment on a clause of a version. Ministry and NIH people comment "
        "internally (or for BGI too, on a shared version, with `visible_to_bgi`); BGI's "
        "liaison comments on shared versions.",
        examples=[
            example(
                "A comment on a clause",
                {
                    "clause": "5b0e7a52-1d4c-4c57-9d55-0f8f0c6c2b61",
                    "body": "Name the protocol's annex here.",
                    "visible_to_bgi": True,
                },
            )
        ],
        parameters=[VERSION_NUMBER],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"versions/(?P<number>[0-9]+)/comments",
        url_name="version-comments",
        filter_backends=[],
        pagination_class=None,
    )
    def version_comments(self, request, pk=None, number=None):
        """Comment on a clause of the version."""
        version = self._version(self.get_object(), int(number))
        if not policies.can_comment_version(cast(User, request.user), version):
            raise exceptions.PermissionDenied
        data = ClauseCommentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        clause = version.clauses.filter(key=data.validated_data["clause"]).first()
        if clause is None:
            raise exceptions.ValidationError({"clause": [_("That clause is not in this version.")]})
        comment = clause_comment_add(
            version=version,
            clause=clause,
            actor=request.user,
            body=data.validated_data["body"],
            visible_to_bgi=data.validated_data["visible_to_bgi"],
        )
        return Response(ClauseCommentSerializer(comment).data, status.HTTP_201_CREATED)

    # The working draft ----------------------------------------------------------------------------

    def _clause_input(self, request, mou: Mou, clause: Clause | None = None, *, partial=False):
        context = {"request": request, "mou": mou, "clause": clause}
        data = ClauseWriteInputSerializer(data=request.data, partial=partial, context=context)
        data.is_valid(raise_exception=True)
        return data.validated_data

    @staticmethod
    def _clause_response(clause: Clause, code: int = status.HTTP_200_OK) -> Response:
        fresh = Clause.objects.prefetch_related("priority_areas", "recommendations").get(
            pk=clause.pk
        )
        response = Response(DraftClauseSerializer(fresh).data, status=code)
        response["ETag"] = etag_for(fresh)
        return response

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={200: DraftClauseSerializer(many=True), **ERRORS_DETAIL},
    )
    @post_schema(
        ClauseWriteInputSerializer,
        DraftClauseSerializer,
        description="Add a clause at the end of the working draft (ministry staff, while the "
        "MoU is drafted or negotiated). Its ETag is the clause's version.",
        examples=[CLAUSE_EXAMPLE],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def clauses(self, request, pk=None):
        """GET: the working draft's clauses in order (internal). POST: add one."""
        mou = self.get_object()
        if request.method == "GET":
            rows = (
                mou.clauses.active()
                .prefetch_related("priority_areas", "recommendations")
                .order_by("position", "pk")
            )
            return Response(DraftClauseSerializer(rows, many=True).data)
        values = self._clause_input(request, mou)
        clause = clause_add(
            mou=mou,
            actor=request.user,
            data=dataclass_from(ClauseData, values, many=["priority_areas", "recommendations"]),
        )
        return self._clause_response(clause, status.HTTP_201_CREATED)

    @create_schema(
        OutOfStepOverrideInputSerializer,
        OutOfStepOverrideSerializer,
        description="The ministry goes on although clauses are out of step between English and "
        "Chinese, and says why: the override covers the clauses out of step now, as they stand "
        "(editing one again needs a new override), so a version can be published, shared, "
        "agreed, approved and signed. 409 `conflict` when no clause is out of step.",
        examples=[
            example(
                "Go on while the Chinese text follows",
                {"reason": "The Chinese text of clause 4 is being checked by MOFA's translators."},
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="clauses/override",
        url_name="clauses-override",
        filter_backends=[],
        pagination_class=None,
    )
    def clauses_override(self, request, pk=None):
        """Record an override of the clauses out of step."""
        mou = self.get_object()
        values = OutOfStepOverrideInputSerializer(data=request.data)
        values.is_valid(raise_exception=True)
        override = out_of_step_override_record(
            mou=mou, actor=request.user, reason=values.validated_data["reason"]
        )
        return Response(OutOfStepOverrideSerializer(override).data, status=status.HTTP_201_CREATED)

    @edit_schema(
        ClauseWriteInputSerializer(partial=True),
        DraftClauseSerializer,
        methods=["PATCH"],
        description="Change a clause (only what is sent) on its ETag; the language that did "
        "not follow a change falls out of step.",
        examples=[example("Fix the Chinese heading", {"heading_zh": "数据共享与保护"})],
        parameters=[CLAUSE_ID],
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"clauses/(?P<clause_id>[0-9]+)",
        url_name="clause-detail",
        filter_backends=[],
        pagination_class=None,
    )
    def clause_detail(self, request, pk=None, clause_id=None):
        """Edit a clause of the working draft (If-Match: the clause's ETag)."""
        mou = self.get_object()
        clause = mou.clauses.active().filter(pk=int(clause_id)).first()
        if clause is None:
            raise exceptions.NotFound(_("The draft has no such clause."))
        version = expected_version(request)
        values = self._clause_input(request, mou, clause, partial=True)
        require_version(clause, version)
        updated = clause_update(
            clause=clause,
            actor=request.user,
            expected_version=version,
            data=dataclass_from(
                ClauseData, values, clause, many=["priority_areas", "recommendations"]
            ),
        )
        return self._clause_response(updated)

    # The workflow -------------------------------------------------------------------------------

    def perform_transition(self, subject: Mou, data: dict, version: int) -> Mou:
        """Take one plain step of MOU_FLOW through the service."""
        return mou_transition(
            mou=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
        )

    # Signing --------------------------------------------------------------------------------------

    @extend_schema(request=None, responses={200: MouSignaturesSerializer, **ERRORS_DETAIL})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def signatures(self, request, pk=None):
        """Signatories in signing order and witnesses, with their answers, and the signed
        copy's SHA-256. BGI's liaison sees them once the MoU is signed."""
        mou = self.get_object()
        people = list(mou.signatories.order_by("is_witness", "order", "pk"))
        body = {
            "signatories": [s for s in people if not s.is_witness],
            "witnesses": [s for s in people if s.is_witness],
            "signed_copy": SignedCopy.objects.filter(mou=mou).first(),
        }
        return Response(MouSignaturesSerializer(body).data)

    @extend_schema(
        request={"multipart/form-data": MouVerifyInputSerializer},
        responses={
            200: MouVerifySerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def verify(self, request, pk=None):
        """Whether a file is exactly the signed copy on record, by SHA-256. The file is read
        to hash it and never stored; 409 while there is no signed copy."""
        mou = self.get_object()
        data = MouVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not SignedCopy.objects.filter(mou=mou).exists():
            raise Conflict(
                _("There is no signed copy on record to check against yet."),
                code="no_signed_copy",
            )
        upload = data.validated_data["file"]
        body = {
            "matches": signed_copy_matches(mou=mou, upload=upload),
            "sha256": file_sha256(upload),
        }
        return Response(MouVerifySerializer(body).data)

    @extend_schema(request=None, responses={200: ObligationSerializer(many=True), **ERRORS_DETAIL})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def obligations(self, request, pk=None):
        """What each party must do under the MoU, by when, and where it stands."""
        mou = self.get_object()
        rows = mou.obligations.select_related("owner", "clause").order_by("due_on", "pk")
        return Response(ObligationSerializer(rows, many=True).data)

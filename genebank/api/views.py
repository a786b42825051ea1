"""ViewSets of the gene bank API: thin adapters over selectors, policies and services."""

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from genebank import selectors, services
from genebank.checks import transfer_checks
from genebank.models import Agreement, Approval, Cohort, Transfer
from genebank.workflows import TRANSFER_FLOW
from portal.api.concurrency import expected_version
from portal.api.mixins import (
    ERRORS_DETAIL,
    ERRORS_WRITE,
    IF_MATCH,
    ConditionalRetrieveMixin,
    etag_header,
    read_schema,
)
from portal.api.transitions import TransitionsActionMixin, transitions_schema
from portal.api.writes import JsonWritesMixin
from portal.models import User

from .permissions import RegisterPermission, TransferPermission, transfer_serializer_class
from .serializers import (
    AgreementCreateInputSerializer,
    AgreementSerializer,
    ApprovalCreateInputSerializer,
    ApprovalSerializer,
    CheckSerializer,
    CohortProgressInputSerializer,
    CohortSerializer,
    ConsentVersionCreateInputSerializer,
    ConsentVersionSerializer,
    TransferCreateInputSerializer,
    TransferInternalSerializer,
    TransferSerializer,
    TransferSharedSerializer,
    TransferTransitionInputSerializer,
)

TRANSFER_ANY = PolymorphicProxySerializer(
    component_name="TransferAnyAudience",
    serializers=[TransferInternalSerializer, TransferSerializer, TransferSharedSerializer],
    resource_type_field_name=None,
)


@read_schema(CohortSerializer, CohortSerializer, versioned=False)
class CohortViewSet(JsonWritesMixin, viewsets.ReadOnlyModelViewSet):
    json_write_actions = frozenset({"progress", "consent_versions"})
    """Cohorts of the gene bank plan with their consent versions (English and Urdu)."""

    serializer_class = CohortSerializer
    permission_classes = [IsAuthenticated, RegisterPermission]
    queryset = Cohort.objects.none()

    def get_queryset(self):
        return selectors.cohort_list(viewer=self.request.user).order_by("name", "pk")

    @extend_schema(
        request=CohortProgressInputSerializer,
        parameters=[IF_MATCH, etag_header(200)],
        responses={200: CohortSerializer, **ERRORS_WRITE},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def progress(self, request: Request, pk: Any = None) -> Response:
        """Record participants enrolled and samples collected (ministry staff; If-Match)."""
        cohort = self.get_object()
        version = expected_version(request)
        data = CohortProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.cohort_progress_record(
            cohort=cohort, actor=cast(User, request.user), expected_version=version,
            **data.validated_data,
        )  # fmt: skip
        fresh = self.get_queryset().get(pk=cohort.pk)
        response = Response(CohortSerializer(fresh).data)
        response["ETag"] = f'"{fresh.version}"'
        return response

    @extend_schema(
        request=ConsentVersionCreateInputSerializer,
        responses={201: ConsentVersionSerializer, **ERRORS_WRITE},
    )
    @action(detail=True, methods=["post"], url_path="consent-versions", filter_backends=[],
            pagination_class=None)  # fmt: skip
    def consent_versions(self, request: Request, pk: Any = None) -> Response:
        """Add the next version of the cohort's consent form (ministry staff)."""
        cohort = self.get_object()
        data = ConsentVersionCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.consent_version_add(
            cohort=cohort, actor=cast(User, request.user), **data.validated_data
        )
        return Response(ConsentVersionSerializer(version).data, status=status.HTTP_201_CREATED)


@read_schema(AgreementSerializer, AgreementSerializer, versioned=False)
class AgreementViewSet(JsonWritesMixin, viewsets.ReadOnlyModelViewSet):
    json_write_actions = frozenset({"create"})
    """Material and data transfer agreements with BGI."""

    serializer_class = AgreementSerializer
    permission_classes = [IsAuthenticated, RegisterPermission]
    queryset = Agreement.objects.none()

    def get_queryset(self):
        return selectors.agreement_list(viewer=self.request.user).order_by("valid_to", "pk")

    @extend_schema(
        request=AgreementCreateInputSerializer,
        responses={201: AgreementSerializer, **ERRORS_WRITE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enter an agreement in the register (ministry staff); its signed copy is uploaded on
        its page."""
        data = AgreementCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_create(
            actor=cast(User, request.user), data=services.AgreementData(**data.validated_data)
        )
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


@read_schema(ApprovalSerializer, ApprovalSerializer, versioned=False)
class ApprovalViewSet(JsonWritesMixin, viewsets.ReadOnlyModelViewSet):
    json_write_actions = frozenset({"create"})
    """Ethics approvals, export permits and other clearances."""

    serializer_class = ApprovalSerializer
    permission_classes = [IsAuthenticated, RegisterPermission]
    queryset = Approval.objects.none()

    def get_queryset(self):
        return selectors.approval_list(viewer=self.request.user).order_by("valid_to", "pk")

    @extend_schema(
        request=ApprovalCreateInputSerializer,
        responses={201: ApprovalSerializer, **ERRORS_WRITE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Enter an approval in the register (ministry staff, who become its owner)."""
        data = ApprovalCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        approval = services.approval_create(
            actor=cast(User, request.user), owner=cast(User, request.user),
            cohorts=list(fields.pop("cohorts")), **fields,
        )  # fmt: skip
        return Response(ApprovalSerializer(approval).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        description="Transfers the caller may see. BGI's liaison gets only transfers addressed "
        "to BGI, approved or later, in a reduced shape (`TransferShared`).",
        responses={
            200: PolymorphicProxySerializer(
                component_name="TransferListItem",
                serializers=[
                    TransferInternalSerializer,
                    TransferSerializer,
                    TransferSharedSerializer,
                ],
                resource_type_field_name=None,
                many=True,
            )
        },
    ),
    retrieve=extend_schema(responses={200: TRANSFER_ANY, **ERRORS_DETAIL}),
    create=extend_schema(
        request=TransferCreateInputSerializer,
        responses={201: TransferInternalSerializer, **ERRORS_WRITE},
    ),
    transitions=transitions_schema(
        TransferTransitionInputSerializer,
        TRANSFER_ANY,
        description="GET: the steps the caller may take now, and the history. POST: take one. "
        "`run_checks`, `approve` and `dispatch` are refused with 409 `transfer_checks_failed` "
        "unless every check holds; the message names each failed check.",
    ),
)
class TransferViewSet(
    JsonWritesMixin,
    TransitionsActionMixin,
    ConditionalRetrieveMixin,
    mixins.CreateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Transfers of specimens or data to BGI: read, draft, move through the workflow."""

    permission_classes = [IsAuthenticated, TransferPermission]
    queryset = Transfer.objects.none()
    json_write_actions = frozenset({"create"})
    transition_workflow = TRANSFER_FLOW
    transition_input_serializer = TransferTransitionInputSerializer

    def get_queryset(self):
        return selectors.transfer_list(viewer=self.request.user).order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return transfer_serializer_class(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = TransferCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transfer = services.transfer_create(
            actor=cast(User, request.user), data=services.TransferData(**data.validated_data)
        )
        response = self.versioned_response(
            self.get_queryset().get(pk=transfer.pk), status.HTTP_201_CREATED
        )
        response["Location"] = reverse("api:transfer-detail", args=[transfer.pk], request=request)
        return response

    def perform_transition(self, subject: Transfer, data: dict[str, Any], version: int) -> Any:
        return services.transfer_transition(
            transfer=subject,
            name=data["transition"],
            actor=cast(User, self.request.user),
            comment=data["comment"],
            expected_version=version,
        )

    @extend_schema(request=None, responses={200: CheckSerializer(many=True), **ERRORS_DETAIL})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def checks(self, request: Request, pk: Any = None) -> Response:
        """Every check of the transfer as of today (never shown to BGI's liaison)."""
        transfer = self.get_object()
        results = transfer_checks(transfer, today=timezone.localdate())
        return Response(CheckSerializer(results, many=True).data)

"""Pages of the gene bank (URL names are `genebank:<model>-<action>`)."""

from django.urls import path

from .views import plan, register, transfers, writes

app_name = "genebank"

urlpatterns = [
    path("", plan.PlanView.as_view(), name="plan"),
    path("cohorts/<int:pk>/", plan.CohortDetailView.as_view(), name="cohort-detail"),
    path("cohorts/<int:pk>/progress/", writes.CohortProgressView.as_view(), name="cohort-progress"),
    path("cohorts/<int:pk>/consent-versions/new/", writes.ConsentVersionCreateView.as_view(), name="consent-version-create"),
    path("agreements/", register.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/new/", writes.AgreementCreateView.as_view(), name="agreement-create"),
    path("approvals/new/", writes.ApprovalCreateView.as_view(), name="approval-create"),
    path("agreements/<int:pk>/", register.AgreementDetailView.as_view(), name="agreement-detail"),
    path("agreements/<int:pk>/signed-copy/", register.AgreementSignedCopyUploadView.as_view(), name="agreement-signed-copy-upload"),
    path("agreements/<int:pk>/signed-copy.pdf", register.AgreementSignedCopyDownloadView.as_view(), name="agreement-signed-copy-download"),
    path("transfers/", transfers.TransferListView.as_view(), name="transfer-list"),
    path("transfers/new/", transfers.TransferCreateView.as_view(), name="transfer-create"),
    path("transfers/register.xlsx", transfers.TransferRegisterExportView.as_view(), name="transfer-export"),
    path("transfers/<int:pk>/", transfers.TransferDetailView.as_view(), name="transfer-detail"),
    path("transfers/<int:pk>/transitions/", transfers.TransferTransitionView.as_view(), name="transfer-transition"),
]  # fmt: skip

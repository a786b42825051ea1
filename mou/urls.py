"""Pages of the MoU app (URL names are `mou:<model>-<action>`)."""

from django.urls import path

from .views import drafting, signing

app_name = "mou"

urlpatterns = [
    # The MoU, its clauses, versions, diff, comments, sharing (views/drafting.py)
    path("", drafting.MouListView.as_view(), name="mou-list"),
    path("new/", drafting.MouCreateView.as_view(), name="mou-create"),
    path("<int:pk>/", drafting.MouDetailView.as_view(), name="mou-detail"),
    path("<int:pk>/transitions/", drafting.MouTransitionView.as_view(), name="mou-transition"),
    path("<int:pk>/clauses/", drafting.ClauseListView.as_view(), name="clause-list"),
    path("<int:pk>/clauses/new/", drafting.ClauseCreateView.as_view(), name="clause-create"),
    path("<int:pk>/clauses/from-recommendation/", drafting.ClauseFromRecommendationView.as_view(), name="clause-from-recommendation"),
    path("clauses/<int:pk>/edit/", drafting.ClauseUpdateView.as_view(), name="clause-update"),
    path("clauses/<int:pk>/move/", drafting.ClauseMoveView.as_view(), name="clause-move"),
    path("clauses/<int:pk>/remove/", drafting.ClauseRemoveView.as_view(), name="clause-remove"),
    path("clauses/<int:pk>/in-step/", drafting.ClauseClearOutOfStepView.as_view(), name="clause-clear-out-of-step"),
    path("<int:pk>/versions/", drafting.MouVersionListView.as_view(), name="version-list"),
    path("<int:pk>/versions/publish/", drafting.MouVersionPublishView.as_view(), name="version-publish"),
    path("<int:pk>/versions/<int:number>/", drafting.MouVersionDetailView.as_view(), name="version-detail"),
    path("<int:pk>/versions/<int:number>/share/", drafting.MouVersionShareView.as_view(), name="version-share"),
    path("<int:pk>/versions/<int:number>/comments/", drafting.ClauseCommentCreateView.as_view(), name="comment-create"),
    path("<int:pk>/diff/", drafting.MouVersionDiffView.as_view(), name="version-diff"),
    # Review, clearances, signing, obligations, exports (views/signing.py)
    path("<int:pk>/reviews/", signing.ReviewRoundListView.as_view(), name="review-list"),
    path("<int:pk>/reviews/new/", signing.ReviewRoundCreateView.as_view(), name="review-create"),
    path("reviews/<int:pk>/", signing.ReviewRoundDetailView.as_view(), name="review-detail"),
    path("review-requests/<int:pk>/answer/", signing.ReviewAnswerView.as_view(), name="review-answer"),
    path("clearances/<int:pk>/", signing.ClearanceRecordView.as_view(), name="clearance-record"),
    path("<int:pk>/signing/", signing.SigningView.as_view(), name="signing"),
    path("<int:pk>/signatories/new/", signing.SignatoryCreateView.as_view(), name="signatory-create"),
    path("signatories/<int:pk>/sign/", signing.SignatureRecordView.as_view(), name="signature-record"),
    path("<int:pk>/signed-copy/", signing.SignedCopyUploadView.as_view(), name="signed-copy-upload"),
    path("<int:pk>/signed-copy/file.pdf", signing.SignedCopyDownloadView.as_view(), name="signed-copy-download"),
    path("<int:pk>/verify/", signing.SignedCopyVerifyView.as_view(), name="signed-copy-verify"),
    path("<int:pk>/entry-into-force/", signing.EntryIntoForceView.as_view(), name="entry-into-force"),
    path("<int:pk>/obligations/", signing.ObligationListView.as_view(), name="obligation-list"),
    path("obligations/<int:pk>/transitions/", signing.ObligationTransitionView.as_view(), name="obligation-transition"),
    path("<int:pk>/versions/<int:number>/export.pdf", signing.MouVersionPdfView.as_view(), name="version-pdf"),
    path("<int:pk>/versions/<int:number>/export.docx", signing.MouVersionDocxView.as_view(), name="version-docx"),
]  # fmt: skip

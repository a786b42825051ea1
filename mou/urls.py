"""Pages of the MoU app (URL names are `mou:<model>-<action>`)."""

from django.urls import path

from .views import clauses, mous, obligations, reviews, signing, versions

app_name = "mou"

urlpatterns = [
    # The MoU (views/mous.py), its clauses (clauses.py), versions, diff, comments, sharing
    # and exports (versions.py)
    path("", mous.MouListView.as_view(), name="mou-list"),
    path("new/", mous.MouCreateView.as_view(), name="mou-create"),
    path("<int:pk>/", mous.MouDetailView.as_view(), name="mou-detail"),
    path("<int:pk>/transitions/", mous.MouTransitionView.as_view(), name="mou-transition"),
    path("<int:pk>/clauses/", clauses.ClauseListView.as_view(), name="clause-list"),
    path("<int:pk>/clauses/new/", clauses.ClauseCreateView.as_view(), name="clause-create"),
    path("<int:pk>/clauses/from-recommendation/", clauses.ClauseFromRecommendationView.as_view(), name="clause-from-recommendation"),
    path("clauses/<int:pk>/edit/", clauses.ClauseUpdateView.as_view(), name="clause-update"),
    path("clauses/<int:pk>/move/", clauses.ClauseMoveView.as_view(), name="clause-move"),
    path("clauses/<int:pk>/remove/", clauses.ClauseRemoveView.as_view(), name="clause-remove"),
    path("clauses/<int:pk>/in-step/", clauses.ClauseClearOutOfStepView.as_view(), name="clause-clear-out-of-step"),
    path("<int:pk>/clauses/override/", clauses.OutOfStepOverrideView.as_view(), name="out-of-step-override"),
    path("<int:pk>/versions/", versions.MouVersionListView.as_view(), name="version-list"),
    path("<int:pk>/versions/publish/", versions.MouVersionPublishView.as_view(), name="version-publish"),
    path("<int:pk>/versions/<int:number>/", versions.MouVersionDetailView.as_view(), name="version-detail"),
    path("<int:pk>/versions/<int:number>/share/", versions.MouVersionShareView.as_view(), name="version-share"),
    path("<int:pk>/versions/<int:number>/comments/", versions.ClauseCommentCreateView.as_view(), name="comment-create"),
    path("<int:pk>/diff/", versions.MouVersionDiffView.as_view(), name="version-diff"),
    # Reviews and clearances (reviews.py), signing (signing.py), obligations (obligations.py)
    path("<int:pk>/reviews/", reviews.ReviewRoundListView.as_view(), name="review-list"),
    path("<int:pk>/reviews/new/", reviews.ReviewRoundCreateView.as_view(), name="review-create"),
    path("reviews/<int:pk>/", reviews.ReviewRoundDetailView.as_view(), name="review-detail"),
    path("review-requests/<int:pk>/answer/", reviews.ReviewAnswerView.as_view(), name="review-answer"),
    path("clearances/<int:pk>/", reviews.ClearanceRecordView.as_view(), name="clearance-record"),
    path("<int:pk>/signing/", signing.SigningView.as_view(), name="signing"),
    path("<int:pk>/signatories/new/", signing.SignatoryCreateView.as_view(), name="signatory-create"),
    path("signatories/<int:pk>/sign/", signing.SignatureRecordView.as_view(), name="signature-record"),
    path("<int:pk>/signed-copy/", signing.SignedCopyUploadView.as_view(), name="signed-copy-upload"),
    path("<int:pk>/signed-copy/file.pdf", signing.SignedCopyDownloadView.as_view(), name="signed-copy-download"),
    path("<int:pk>/verify/", signing.SignedCopyVerifyView.as_view(), name="signed-copy-verify"),
    path("<int:pk>/entry-into-force/", signing.EntryIntoForceView.as_view(), name="entry-into-force"),
    path("<int:pk>/obligations/", obligations.ObligationListView.as_view(), name="obligation-list"),
    path("obligations/<int:pk>/transitions/", obligations.ObligationTransitionView.as_view(), name="obligation-transition"),
    path("<int:pk>/versions/<int:number>/export.pdf", versions.MouVersionPdfView.as_view(), name="version-pdf"),
    path("<int:pk>/versions/<int:number>/export.docx", versions.MouVersionDocxView.as_view(), name="version-docx"),
]  # fmt: skip

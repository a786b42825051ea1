"""Serializers of the gene bank API: flat, explicit, one shape per audience."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from genebank.models import Agreement, Approval, Cohort, ConsentVersion, Material, Transfer, Use
from genebank.workflows import TRANSFER_FLOW
from portal.api.writes import PrimaryKeysField, StrictBooleanField, StrictCharField


class ConsentVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentVersion
        fields = ["id", "number", "text_en", "text_ur", "permitted_uses", "effective_on"]


class CohortSerializer(serializers.ModelSerializer):
    priority_area: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    consent_versions = ConsentVersionSerializer(many=True, read_only=True)
    indicators: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "priority_area", "description", "target_participants",
                  "target_samples", "enrolled_participants", "collected_samples",
                  "progress_percent", "sample_types", "collection_sites", "starts_on", "ends_on",
                  "indicators", "consent_versions", "version"]  # fmt: skip


class AgreementSerializer(serializers.ModelSerializer):
    mou_clause: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    has_signed_copy = serializers.BooleanField(read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "kind", "reference", "title", "parties", "scope", "materials",
                  "permitted_uses", "onward_sharing_allowed", "end_of_use", "max_quantity",
                  "valid_from", "valid_to", "mou_clause", "has_signed_copy",
                  "signed_copy_sha256", "version"]  # fmt: skip


class ApprovalSerializer(serializers.ModelSerializer):
    cohorts: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Approval
        fields = ["id", "kind", "authority", "reference", "scope", "cohorts", "valid_from",
                  "valid_to"]  # fmt: skip


class TransferSharedSerializer(serializers.ModelSerializer):
    """What BGI's liaison sees of a transfer addressed to BGI: no participant-level data,
    no consent, approvals or internal notes."""

    agreement: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )

    class Meta:
        model = Transfer
        fields = ["id", "reference", "kind", "material", "quantity", "purpose", "destination_site",
                  "agreement", "status", "version"]  # fmt: skip


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    ok = serializers.BooleanField()
    detail = StrictCharField()


class TraceStepSerializer(serializers.Serializer):
    kind = StrictCharField()
    label = StrictCharField()  # type: ignore[assignment]  # a field, not Field.label
    url = StrictCharField(allow_null=True)


class TransferSerializer(TransferSharedSerializer):
    """A transfer with what it relies on (internal people and machine accounts)."""

    cohort: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    consent_versions: serializers.PrimaryKeyRelatedField[Any] = PrimaryKeysField(
        many=True, read_only=True
    )
    approvals: serializers.PrimaryKeyRelatedField[Any] = PrimaryKeysField(many=True, read_only=True)
    agreement_id = serializers.IntegerField(read_only=True)

    class Meta(TransferSharedSerializer.Meta):
        fields = [*TransferSharedSerializer.Meta.fields, "cohort", "consent_versions",
                  "agreement_id", "approvals", "purpose_use", "is_addressed_to_bgi",
                  "is_deidentified", "created_at"]  # fmt: skip


class TransferInternalSerializer(TransferSerializer):
    """Adds the internal notes (people inside government)."""

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "internal_notes"]


class TransferCreateInputSerializer(serializers.Serializer):
    reference = StrictCharField(max_length=100)
    kind = serializers.ChoiceField(choices=Transfer.Kind.choices)
    cohort: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Cohort.objects.active()
    )
    consent_versions: serializers.PrimaryKeyRelatedField[Any] = PrimaryKeysField(
        many=True, queryset=ConsentVersion.objects.all()
    )
    agreement: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Agreement.objects.active()
    )
    approvals: serializers.PrimaryKeyRelatedField[Any] = PrimaryKeysField(
        many=True, queryset=Approval.objects.active(), required=False, default=list
    )
    material = serializers.ChoiceField(choices=Material.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    purpose_use = serializers.ChoiceField(choices=Use.choices)
    purpose = StrictCharField(max_length=5000)
    destination_site = StrictCharField(max_length=200)
    is_addressed_to_bgi = StrictBooleanField(default=True)
    is_deidentified = StrictBooleanField(
        default=False, help_text=_("The de-identification attestation.")
    )
    internal_notes = StrictCharField(max_length=5000, allow_blank=True, default="")


class TransferTransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=list(TRANSFER_FLOW.transitions))
    comment = StrictCharField(allow_blank=True, required=False, default="")


class AgreementCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Agreement.Kind.choices)
    reference = StrictCharField(max_length=100)
    title = StrictCharField(max_length=200)
    parties = StrictCharField(max_length=300)
    scope = StrictCharField(max_length=5000)
    materials = serializers.ListField(child=serializers.ChoiceField(choices=Material.choices))
    permitted_uses = serializers.ListField(child=serializers.ChoiceField(choices=Use.choices))
    onward_sharing_allowed = StrictBooleanField(default=False)
    end_of_use = serializers.ChoiceField(choices=Agreement.EndOfUse.choices)
    max_quantity = serializers.IntegerField(min_value=1, max_value=10_000_000)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class ApprovalCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Approval.Kind.choices)
    authority = StrictCharField(max_length=200)
    reference = StrictCharField(max_length=100)
    scope = StrictCharField(max_length=5000, allow_blank=True, default="")
    cohorts = PrimaryKeysField(many=True, queryset=Cohort.objects.active())
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()


class CohortProgressInputSerializer(serializers.Serializer):
    enrolled_participants = serializers.IntegerField(min_value=0, max_value=100_000_000)
    collected_samples = serializers.IntegerField(min_value=0, max_value=100_000_000)


class ConsentVersionCreateInputSerializer(serializers.Serializer):
    text_en = StrictCharField(max_length=20000)
    text_ur = StrictCharField(max_length=20000)
    permitted_uses = serializers.ListField(child=serializers.ChoiceField(choices=Use.choices))
    effective_on = serializers.DateField()

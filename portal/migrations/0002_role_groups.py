"""Create one Django group per portal role (portal.models.Role)."""

from django.db import migrations

ROLE_GROUPS = [
    "ministry_staff",
    "ministry_approver",
    "nih_lead",
    "nih_expert",
    "bgi_liaison",
    "api_client",
    "administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_GROUPS, user__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

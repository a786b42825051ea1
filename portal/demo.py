"""The demo programme's people: one login per role (see README, "Demo logins")."""

from .models import Role, User
from .services import UserData, user_ensure

Org = User.Organisation

DEMO_USERS: list[UserData] = [
    UserData("admin", "Portal Administrator", Org.OTHER, "System administrator",
             "admin@portal.example", (Role.ADMINISTRATOR,), is_superuser=True),
    UserData("ministry", "Sana Malik", Org.MINISTRY, "Deputy Director, International Health",
             "ministry@portal.example", (Role.MINISTRY,)),
    UserData("approver", "Tariq Hussain", Org.MINISTRY,
             "Joint Secretary, Office of the Minister of State for Health",
             "approver@portal.example", (Role.APPROVER,)),
    UserData("nih_lead", "Dr Amina Qureshi", Org.NIH,
             "Lead, NIH technical team on genomics", "nih.lead@portal.example", (Role.NIH_LEAD,)),
    UserData("nih_expert", "Dr Bilal Ahmed", Org.NIH, "Haematologist, thalassemia programme",
             "nih.expert@portal.example", (Role.NIH_EXPERT,)),
    UserData("nih_expert2", "Dr Farah Siddiqui", Org.NIH, "Clinical geneticist, rare diseases",
             "nih.expert2@portal.example", (Role.NIH_EXPERT,)),
    UserData("bgi_liaison", "Li Wei", Org.BGI, "International cooperation liaison, BGI Group",
             "liaison@bgi.example", (Role.BGI_LIAISON,)),
    UserData("api_client", "Ministry dashboard (machine account)", Org.MINISTRY, "API client",
             "api@portal.example", (Role.API_CLIENT,)),
]  # fmt: skip


def seed_users(*, password: str) -> int:
    """Create the missing demo logins; returns how many were created."""
    created = 0
    for data in DEMO_USERS:
        _user, was_created = user_ensure(data=data, password=password, actor=None)
        created += int(was_created)
    return created

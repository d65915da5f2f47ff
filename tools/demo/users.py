"""The demo accounts, one per role, placed on organizations of the generated tree."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from kernel.accounts.models import Grant, Profile
from kernel.core.registry import demo_account_sources
from kernel.orgs.models import Organization
from kernel.people.models import Member, Post

DEFAULT_PASSWORD = "jiceng-demo"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    organization: str


def _places(root: Organization):
    townships = list(Organization.objects.filter(parent=root, org_type="party_committee", domain="rural",
                                                 status="active").order_by("path")[:2])
    if len(townships) < 2:  # a province: look one level further down, in its first county
        county = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 2,
                                             org_type="committee").order_by("path").first()
        townships = list(Organization.objects.filter(parent=county, org_type="party_committee", domain="rural",
                                                     status="active").order_by("path")[:2])
    township, other = townships[0], townships[1]
    branch = Organization.objects.filter(parent=township, org_type="branch", domain="rural",
                                         status="active").order_by("path").first()
    return township, other, branch


def ensure_demo_users(root: Organization, password: str = DEFAULT_PASSWORD) -> list[Login]:
    township, other_township, branch = _places(root)
    secretary_id = (Post.objects.filter(organization=branch, title="secretary", ended_on__isnull=True)
                    .values_list("person_id", flat=True).first())
    member = (Member.objects.filter(person__organization=branch, status="active", holds_post=False)
              .order_by("id").select_related("person").first())
    plan = [
        ("admin", None, None, None),
        ("county", "county_admin", root, None),
        ("township", "township_admin", township, None),
        ("branch", "branch_secretary", branch, secretary_id),
        ("inspector", "inspector", other_township, None),
        ("leader", "leader", root, None),
        ("member", "member", branch, member.person_id if member else None),
    ]
    for _app, accounts in demo_account_sources():  # the apps' own (a first secretary checking in from a phone)
        plan.extend(accounts(root=root, township=township))
    User = get_user_model()
    logins = []
    for username, role, org, person_id in plan:
        user, _created = User.objects.get_or_create(username=username)
        user.is_superuser = user.is_staff = role is None
        user.is_active = True
        user.set_password(password)
        user.save()
        Grant.objects.filter(user=user).delete()
        Profile.objects.filter(user=user).delete()
        if role:
            Grant.objects.create(user=user, role=role, organization=org)
        if person_id:
            Profile.objects.filter(person_id=person_id).delete()
            Profile.objects.create(user=user, person_id=person_id)
        logins.append(Login(username, role or "superuser", org.name if org else "—"))
    return logins


def existing_logins() -> list[Login]:
    User = get_user_model()
    logins = []
    for username in ("admin", "county", "township", "branch", "inspector", "leader", "member", "firstsec"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        grant = Grant.objects.filter(user=user).select_related("organization").first()
        if grant:
            logins.append(Login(username, grant.role, grant.organization.name))
        elif user.is_superuser:
            logins.append(Login(username, "superuser", "—"))
    return logins

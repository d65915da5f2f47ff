"""factory_boy factories for the registries and the engines, each built through its service, so that paths, counters
and change records are what the application itself would write.

    org = OrganizationFactory(parent=county.township_a)              # a branch under township A
    person = PersonFactory(organization=org)                          # a masses person with a valid ID number
    member = MemberFactory(person__organization=org)                  # a full member (and the person)
    PostFactory(person=member.person, title="secretary")
    user = UserFactory(grant__role="township_admin", grant__organization=county.township_a)
    StandardFactory(owner=county.county) / DutyRuleFactory(...) / WorkflowFactory(...)   # versions, current

Every factory answers the model object (the engines': the version's standard, rule or workflow; ``.current`` etc.
reach the version)."""
import datetime

import factory
from django.contrib.auth import get_user_model

from engines.duties.testing import rule_document
from engines.workflows.testing import workflow_document
from kernel.accounts.models import Grant
from kernel.orgs.models import Organization
from kernel.people.models import Member, Person, Post
from tests.kit import make_id_number

_BIRTH = datetime.date(1980, 1, 1)


class _ServiceFactory(factory.Factory):
    """Builds through ``_service(**fields)`` rather than ``Model.objects.create``."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._service(**kwargs)

    @classmethod
    def _service(cls, **kwargs):
        raise NotImplementedError


class OrganizationFactory(_ServiceFactory):
    """A rural branch (org_create: path, depth and the ancestors' counters right); ``parent=None`` for a root."""

    class Meta:
        model = Organization

    parent = None
    code = factory.Sequence(lambda n: f"F{n:04d}")
    name = factory.Sequence(lambda n: f"测试村党支部{n}")
    org_type = factory.LazyAttribute(lambda o: "branch" if o.parent is not None else "committee")
    domain = factory.LazyAttribute(lambda o: "rural" if o.parent is not None else "")

    @classmethod
    def _service(cls, **kwargs):
        from kernel.orgs.services import org_create

        return org_create(user=None, **kwargs)


class PersonFactory(_ServiceFactory):
    """A person (masses) with a valid, unique ID number matching birth date and gender."""

    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"测试人{n}")
    gender = "male"
    birth_date = _BIRTH
    id_number = factory.LazyAttribute(lambda p: make_id_number(p.birth_date, p.gender))
    phone = "13800001234"

    @classmethod
    def _service(cls, **kwargs):
        from kernel.people.services import person_create

        return person_create(user=None, **kwargs)


class MemberFactory(_ServiceFactory):
    """A full member in good standing: applied two years before joining, full a year after."""

    class Meta:
        model = Member

    person = factory.SubFactory(PersonFactory)
    category = "full"
    joined_on = datetime.date(2005, 7, 1)
    applied_on = factory.LazyAttribute(lambda m: m.joined_on.replace(year=m.joined_on.year - 2))
    full_on = factory.LazyAttribute(lambda m: m.joined_on.replace(year=m.joined_on.year + 1)
                                    if m.category == "full" else None)
    no_post_class = "farming"

    @classmethod
    def _service(cls, **kwargs):
        from kernel.people.services import member_create

        member = member_create(user=None, **kwargs)
        member.person.refresh_from_db()
        return member


class PostFactory(_ServiceFactory):
    """A current post of the person in their own organization."""

    class Meta:
        model = Post

    person = factory.SubFactory(PersonFactory)
    organization = factory.LazyAttribute(lambda p: p.person.organization)
    title = "secretary"
    started_on = datetime.date(2021, 1, 1)

    @classmethod
    def _service(cls, **kwargs):
        from kernel.people.services import post_create

        return post_create(user=None, **kwargs)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = None
    role = "township_admin"
    organization = None


class UserFactory(factory.django.DjangoModelFactory):
    """A user with the test password; ``grant__role`` and ``grant__organization`` give them one grant."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-Word-123")

    @factory.post_generation
    def grant(self, create, extracted, **kwargs):
        if create and (extracted or kwargs):
            GrantFactory(user=self, **({"role": extracted} if isinstance(extracted, str) else {}), **kwargs)


# --- the engines: a definition saved through its engine, answered as the standard, rule or workflow -----------

class StandardFactory(_ServiceFactory):
    """The test "five good" standard (engines/standards/tests/standard_files.py) under a fresh code."""

    class Meta:
        model = dict

    owner = factory.SubFactory(OrganizationFactory, parent=None)
    code = factory.Sequence(lambda n: f"test-standard-{n}")

    @classmethod
    def _service(cls, *, owner, code):
        from engines.standards.library import standard_import
        from engines.standards.tests.standard_files import VALID

        return standard_import(user=None, text=VALID.replace("code: test-five-good", f"code: {code}", 1),
                               owner=owner).standard


class DutyRuleFactory(_ServiceFactory):
    """The quarterly report rule of engines.duties.testing; ``document`` overrides its keys."""

    class Meta:
        model = dict

    owner = factory.SubFactory(OrganizationFactory, parent=None)
    document = factory.LazyFunction(dict)

    @classmethod
    def _service(cls, *, owner, document):
        from engines.duties.services import rule_save

        return rule_save(user=None, document=rule_document(**document), owner=owner).rule


class WorkflowFactory(_ServiceFactory):
    """The rectification-like workflow of engines.workflows.testing; ``document`` overrides its keys."""

    class Meta:
        model = dict

    owner = factory.SubFactory(OrganizationFactory, parent=None)
    document = factory.LazyFunction(dict)

    @classmethod
    def _service(cls, *, owner, document):
        from engines.workflows.services import workflow_save

        return workflow_save(user=None, document=workflow_document(**document), owner=owner).workflow

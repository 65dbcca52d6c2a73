"""factory_boy factories for kam's models; tests build their world with these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from kam.accounts.models import (
    Account,
    AccountStatus,
    AccountTeamMember,
    Note,
    PotentialEstimate,
    TeamRole,
)
from kam.org.models import Role, Team, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.MANAGER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Faker("company")
    industry = "Machinery"
    region = "East China"
    status = AccountStatus.CUSTOMER
    owner = factory.SubFactory(UserFactory)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMember

    account = factory.SubFactory(AccountFactory)
    user = factory.SubFactory(UserFactory, role=Role.SALES)
    role = TeamRole.SALES


class PotentialEstimateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PotentialEstimate

    account = factory.SubFactory(AccountFactory)
    amount = Decimal("12000000.00")
    estimated_on = dt.date(2026, 6, 30)
    source = "Annual review"
    author = factory.SelfAttribute("account.owner")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    account = factory.SubFactory(AccountFactory)
    author = factory.SelfAttribute("account.owner")
    body = factory.Faker("sentence")

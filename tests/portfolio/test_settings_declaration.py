"""Each portfolio setting is declared once, on its model field; the rest is derived."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pydantic import ValidationError as SchemaError

from kam.analytics.rules import Rules
from kam.org.models import COMPANY_SETTINGS_FIELDS, CompanySettings
from kam.portfolio.forms import SettingsForm
from kam.portfolio.models import SETTINGS_FIELDS, SETTINGS_TABLE, PortfolioSettings
from kam.portfolio.rules import rules_from
from kam.portfolio.schemas import SettingsOut, SettingsPatch


def test_the_table_has_one_row_per_setting() -> None:
    assert list(SETTINGS_TABLE) == sorted(SETTINGS_TABLE, key=SETTINGS_FIELDS.index)
    assert set(SETTINGS_TABLE) == set(SETTINGS_FIELDS)


def test_the_model_defaults_are_the_pure_cores_defaults() -> None:
    # kam.analytics keeps its own defaults for tests on arrays; they may not drift apart
    assert rules_from(PortfolioSettings()) == Rules()


def test_rules_read_every_setting() -> None:
    settings = PortfolioSettings()
    for name in SETTINGS_FIELDS:
        setattr(settings, name, getattr(settings, name) + 1)
    rules, defaults = rules_from(settings), Rules()
    for field in dataclasses.fields(Rules):
        assert getattr(rules, field.name) != getattr(defaults, field.name), field.name
    for field in dataclasses.fields(rules.weights):
        assert getattr(rules.weights, field.name) != getattr(defaults.weights, field.name)
    assert all(rules.bands[k] != defaults.bands[k] for k in "ABCD")
    assert rules.contribution_high_cents == 1_000_000_100


def test_the_schemas_carry_every_field_and_its_bounds() -> None:
    names = [*COMPANY_SETTINGS_FIELDS, *SETTINGS_FIELDS]
    assert list(SettingsPatch.model_fields) == names
    assert list(SettingsOut.model_fields) == [*names, "updated_at"]
    for field in PortfolioSettings._meta.concrete_fields:
        if field.name not in SETTINGS_FIELDS:
            continue
        too_high = {"lifecycle_window_months": 121, "potential_max_age_months": 121}.get(
            field.name, Decimal("1e16")
        )
        with pytest.raises(SchemaError):
            SettingsPatch(**{field.name: too_high})
    with pytest.raises(SchemaError):
        SettingsPatch(lost_after_months="5")  # an integer must be a number in JSON
    with pytest.raises(SchemaError):
        SettingsPatch(currency="EURO")


@pytest.mark.django_db
def test_the_model_holds_the_rules_between_settings() -> None:
    settings = PortfolioSettings(band_b_low=Decimal("0.06"), potential_medium=Decimal(40_000_000))
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert set(error.value.message_dict) == {"band_b_low", "potential_medium"}


@pytest.mark.django_db
def test_the_form_shows_company_then_portfolio_groups() -> None:
    form = SettingsForm(instance=PortfolioSettings(), company=CompanySettings())
    groups = form.groups()
    assert [str(title) for title, _ in groups] == [
        "Company",
        "Identifying key accounts",
        "Matrix thresholds",
        "Lifecycle",
        "Score weights",
        "Investment bands",
        "Relationship map",
    ]
    assert [f.name for _, fields in groups for f in fields] == [
        *COMPANY_SETTINGS_FIELDS,
        *SETTINGS_FIELDS,
    ]

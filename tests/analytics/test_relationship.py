"""The buying centre's person, department and account scores, coverage and gaps (DOMAIN §7)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam.analytics.relationship import (
    ATTITUDES,
    GAP_KINDS,
    ROLES,
    People,
    RelationshipSettings,
    Scores,
    attitude_codes,
    person_scores,
    role_codes,
    score_people,
)

NAN = math.nan


@dataclass(frozen=True)
class Person:
    """One contact as a test writes it: active, in contact 10 days ago, nothing rated."""

    account: int = 0
    department: int = -1
    role: str = ""
    attitude: str = ""
    influence: float = NAN
    closeness: float = NAN
    solution_approval: float = NAN
    price_acceptance: float = NAN
    days_since_contact: float = 10.0
    active: bool = True
    days_since_left: float = NAN


def people(*rows: Person) -> People:
    def floats(name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in rows], dtype=np.float64)

    return People(
        account=np.array([r.account for r in rows], dtype=np.int64),
        department=np.array([r.department for r in rows], dtype=np.int64),
        role=role_codes([r.role for r in rows]),
        attitude=attitude_codes([r.attitude for r in rows]),
        influence=floats("influence"),
        closeness=floats("closeness"),
        solution_approval=floats("solution_approval"),
        price_acceptance=floats("price_acceptance"),
        days_since_contact=floats("days_since_contact"),
        active=np.array([r.active for r in rows], dtype=np.bool_),
        days_since_left=floats("days_since_left"),
    )


def scores(*rows: Person, n_accounts: int = 1, n_departments: int = 0) -> Scores:
    return score_people(people(*rows), n_accounts, n_departments)


def named(result: Scores, gap: str) -> list[int]:
    """The people (row numbers) the gap names."""
    return np.flatnonzero(result.gaps[:, GAP_KINDS.index(gap)]).tolist()


def account_gaps(result: Scores, account: int = 0) -> set[str]:
    return {kind for kind, on in zip(GAP_KINDS, result.account_gaps[account], strict=True) if on}


# Person scores.


def test_person_score_weighs_the_three_ratings() -> None:
    # Given closeness 5, solution approval 3, price acceptance 1
    result = person_scores(np.array([5.0]), np.array([3.0]), np.array([1.0]))
    # Then 100 × (0.5·(5−1)/4 + 0.3·(3−1)/4 + 0.2·(1−1)/4) / (0.5 + 0.3 + 0.2)
    #    = 100 × (0.5 + 0.15 + 0) / 1 = 65
    assert result.tolist() == [65.0]


def test_person_score_uses_only_the_ratings_present() -> None:
    # Given only closeness 4; only price acceptance 2; nothing rated
    result = person_scores(
        np.array([4.0, NAN, NAN]), np.array([NAN, NAN, NAN]), np.array([NAN, 2.0, NAN])
    )
    # Then 100 × 0.5·0.75 / 0.5 = 75; 100 × 0.2·0.25 / 0.2 = 25; no score
    assert result[:2].tolist() == [75.0, 25.0]
    assert np.isnan(result[2])


def test_person_score_follows_the_settings_weights() -> None:
    # Given closeness 5 and price acceptance 1, weighted 1 : 3 instead of 0.5 : 0.2
    weights = RelationshipSettings(closeness_weight=1.0, price_acceptance_weight=3.0)
    result = person_scores(np.array([5.0]), np.array([NAN]), np.array([1.0]), weights)
    # Then 100 × (1·1 + 3·0) / 4 = 25
    assert result.tolist() == [25.0]


# One account.


def test_an_empty_map_has_no_scores_and_only_the_gap_no_contacts() -> None:
    # Given an account without any contact
    result = scores(n_accounts=1)
    # Then nothing is scored and the one gap is "no contacts", naming nobody
    assert np.isnan(result.overall_closeness[0])
    assert np.isnan(result.coverage[0])
    assert account_gaps(result) == {"no_contacts"}
    assert result.gap_count.tolist() == [1]
    assert result.gaps.shape == (0, len(GAP_KINDS))


def test_one_person_scores_the_account_and_threads_it_alone() -> None:
    # Given one coach, closeness 3 (→ 100 × 0.5 = 50), influence 2, in contact 10 days ago
    result = scores(Person(role="coach", influence=2, closeness=3))
    # Then the account's closeness is the person's, nobody must be covered (no decision maker,
    # influence below 4), and the account hangs on this one person
    assert result.person_score.tolist() == [50.0]
    assert result.overall_closeness.tolist() == [50.0]
    assert np.isnan(result.coverage[0])
    assert account_gaps(result) == {"single_threaded"}
    assert named(result, "single_threaded") == [0]


def test_a_decision_maker_out_of_the_window_is_uncovered() -> None:
    # Given two scored decision makers, one in contact 90 days ago (the window's edge), one 91,
    # and a third never contacted (NaN), and a fourth never rated
    result = scores(
        Person(role="decision_maker", closeness=3, days_since_contact=90),
        Person(role="decision_maker", closeness=3, days_since_contact=91),
        Person(role="decision_maker", closeness=3, days_since_contact=NAN),
        Person(role="decision_maker", days_since_contact=5),
    )
    # Then only the first is covered: coverage 1 / 4, the other three are named
    assert result.covered.tolist() == [True, False, False, False]
    assert result.coverage.tolist() == [0.25]
    assert named(result, "uncovered_decision_maker") == [1, 2, 3]
    assert (result.covered_count.tolist(), result.must_cover_count.tolist()) == ([1], [4])


def test_high_influence_must_be_covered_too() -> None:
    # Given an influencer of influence 4 in the window with a score, and one of influence 5
    # out of it, and one of influence 3 (not to be covered)
    result = scores(
        Person(role="influencer", influence=4, closeness=2),
        Person(role="influencer", influence=5, closeness=2, days_since_contact=200),
        Person(role="influencer", influence=3),
    )
    # Then coverage = 1 covered / 2 to cover; no decision maker is named
    assert result.must_cover.tolist() == [True, True, False]
    assert result.coverage.tolist() == [0.5]
    assert named(result, "uncovered_decision_maker") == []


def test_a_contact_dated_after_the_as_of_date_is_in_the_window() -> None:
    # Given a decision maker whose last contact lies 3 days after the as-of date
    result = scores(Person(role="decision_maker", closeness=4, days_since_contact=-3))
    # Then they are in the window and covered
    assert result.in_window.tolist() == [True]
    assert result.coverage.tolist() == [1.0]


@pytest.mark.parametrize(
    ("days_since_left", "warns"),
    [(30.0, True), (180.0, True), (200.0, False), (NAN, True), (-2.0, True)],
)
def test_a_departed_sponsor_is_named_while_recent(days_since_left: float, warns: bool) -> None:
    # Given a champion who left `days_since_left` days ago (NaN: left, no date) and a coach
    # still there
    result = scores(
        Person(attitude="champion", closeness=5, active=False, days_since_left=days_since_left),
        Person(role="coach", closeness=1),
    )
    # Then "sponsor left" names the champion within 180 days (or with no date to prove
    # otherwise), and the champion no longer counts: the closeness is the coach's 0
    assert named(result, "sponsor_left") == ([0] if warns else [])
    assert ("sponsor_left" in account_gaps(result)) is warns
    assert result.person_score.tolist() == [100.0, 0.0]
    assert result.weight.tolist() == [0.0, 1.0]
    assert result.overall_closeness.tolist() == [0.0]


def test_a_departed_coach_is_a_sponsor_who_left() -> None:
    # Given a coach with no attitude who left 10 days ago, and a supporter still there
    result = scores(
        Person(role="coach", active=False, days_since_left=10),
        Person(attitude="supporter"),
    )
    # Then the coach is named as a sponsor who left, and nobody is coach any more
    assert named(result, "sponsor_left") == [0]
    assert account_gaps(result) == {"sponsor_left", "no_coach", "single_threaded"}


def test_the_decision_makers_weight_is_doubled_in_the_overall_closeness() -> None:
    # Given a decision maker of influence 3 at 100 (closeness 5) and an influencer of
    # influence 3 at 0 (closeness 1)
    result = scores(
        Person(role="decision_maker", influence=3, closeness=5),
        Person(role="influencer", influence=3, closeness=1),
    )
    # Then weights 3 × 2 = 6 and 3: closeness = (6·100 + 3·0) / 9 = 66.666666667
    assert result.weight.tolist() == [6.0, 3.0]
    assert result.overall_closeness[0] == pytest.approx(200 / 3)


def test_a_missing_influence_counts_as_the_lowest() -> None:
    # Given an unrated-influence contact at 100 and one of influence 3 at 0
    result = scores(Person(closeness=5), Person(influence=3, closeness=1))
    # Then weights 1 and 3: closeness = (1·100 + 3·0) / 4 = 25
    assert result.weight.tolist() == [1.0, 3.0]
    assert result.overall_closeness.tolist() == [25.0]


def test_an_unscored_contact_weighs_nothing() -> None:
    # Given a contact with a score and one with none
    result = scores(Person(influence=5, closeness=2), Person(influence=5))
    # Then only the scored one counts: closeness 25 (100 × 0.25)
    assert result.weight.tolist() == [5.0, 0.0]
    assert result.overall_closeness.tolist() == [25.0]
    assert result.counted.tolist() == [1]


def test_department_scores_are_weighted_means_and_nan_when_nobody_counts() -> None:
    # Given purchasing (0): influence 4 at 50 and influence 2 at 100; engineering (1): one
    # contact without a score; finance (2): a scored contact who left; one contact in no
    # department at 0
    result = scores(
        Person(department=0, influence=4, closeness=3),
        Person(department=0, influence=2, closeness=5),
        Person(department=1, influence=5),
        Person(department=2, closeness=5, active=False),
        Person(department=-1, influence=2, closeness=1),
        n_departments=3,
    )
    # Then purchasing = (4·50 + 2·100) / 6 = 66.666666667; engineering and finance: nobody
    # counted; the account = (4·50 + 2·100 + 2·0) / 8 = 50, the one without a department counts
    assert result.department_score[0] == pytest.approx(400 / 6)
    assert np.isnan(result.department_score[1:]).all()
    assert result.department_counted.tolist() == [2, 0, 0]
    assert result.overall_closeness.tolist() == [50.0]


def test_a_high_influence_opponent_is_named() -> None:
    # Given a sceptic of influence 4, an opponent of influence 3, an opponent of influence 5
    # who left, and an opponent whose influence is not rated
    result = scores(
        Person(attitude="sceptic", influence=4),
        Person(attitude="opponent", influence=3),
        Person(attitude="opponent", influence=5, active=False, days_since_left=400),
        Person(attitude="opponent"),
    )
    # Then only the active sceptic of influence ≥ 4 is named
    assert named(result, "high_influence_opponent") == [0]
    assert "high_influence_opponent" in account_gaps(result)


def test_single_threaded_names_the_one_person_in_the_window() -> None:
    # Given three active contacts: one in contact 10 days ago, one 100 days ago, one never
    result = scores(
        Person(role="coach"),
        Person(days_since_contact=100),
        Person(days_since_contact=NAN),
    )
    # Then fewer than 2 are in the window: the account is single-threaded, naming the one
    assert account_gaps(result) == {"single_threaded"}
    assert named(result, "single_threaded") == [0]
    assert result.in_window_count.tolist() == [1]


def test_nobody_in_the_window_is_single_threaded_naming_nobody() -> None:
    # Given a coach never contacted
    result = scores(Person(role="coach", days_since_contact=NAN))
    # Then the account is single-threaded and nobody is named
    assert account_gaps(result) == {"single_threaded"}
    assert named(result, "single_threaded") == []


def test_two_in_the_window_is_not_single_threaded() -> None:
    # Given a coach and a user both in contact within the window
    result = scores(Person(role="coach"), Person(role="user", days_since_contact=0))
    # Then the account has no gap
    assert account_gaps(result) == set()
    assert result.gap_count.tolist() == [0]


def test_a_champion_of_any_role_is_a_coach() -> None:
    # Given a champion who is a user and a gatekeeper with no attitude
    result = scores(Person(role="user", attitude="champion"), Person(role="gatekeeper"))
    # Then the account has someone to coach it
    assert "no_coach" not in account_gaps(result)


def test_when_everyone_left_no_contacts_stands_alone_but_a_sponsor_is_named() -> None:
    # Given a coach who left 20 days ago and a user who left a year ago
    result = scores(
        Person(role="coach", active=False, days_since_left=20),
        Person(role="user", active=False, days_since_left=365),
    )
    # Then "no contacts" stands for "no coach" and "single-threaded"; the coach is named
    assert account_gaps(result) == {"no_contacts", "sponsor_left"}
    assert result.gap_count.tolist() == [2]
    assert named(result, "sponsor_left") == [0]
    assert np.isnan(result.overall_closeness[0])


def test_a_person_who_left_keeps_a_score_for_display() -> None:
    # Given a decision maker of influence 5 who left, rated closeness 5
    result = scores(
        Person(role="decision_maker", influence=5, closeness=5, active=False, days_since_left=9)
    )
    # Then their person score shows, but they are not covered, not to cover and not counted
    assert result.person_score.tolist() == [100.0]
    assert not result.must_cover[0] and not result.in_window[0]
    assert np.isnan(result.coverage[0])
    assert named(result, "uncovered_decision_maker") == []


def test_an_account_nobody_uses_has_only_no_contacts() -> None:
    # Given three accounts and contacts only in the middle one
    result = scores(Person(account=1, role="coach"), Person(account=1), n_accounts=3)
    # Then the first and last have no scores and exactly "no contacts"
    assert account_gaps(result, 0) == account_gaps(result, 2) == {"no_contacts"}
    assert account_gaps(result, 1) == set()
    assert np.isnan(result.coverage[[0, 2]]).all()
    assert np.isnan(result.overall_closeness[[0, 2]]).all()


# The codes.


def test_codes_turn_the_stored_texts_into_indices() -> None:
    # Given texts as the apps store them, blanks and an unknown one included
    roles = role_codes(["decision_maker", "", "coach", None, "chief"])
    attitudes = attitude_codes(["opponent", "champion", "", "grumpy"])
    # Then each known text is its index, every other one is −1 (not set)
    assert roles.tolist() == [0, -1, 5, -1, -1]
    assert attitudes.tolist() == [4, 0, -1, -1]
    assert roles.dtype == np.int64


# Bad input.


@pytest.mark.parametrize(
    ("change", "n_accounts", "n_departments", "message"),
    [
        ({"closeness": np.array([3.0, 3.0])}, 1, 1, "one length"),
        ({"account": np.array([1])}, 1, 1, "account index 1 is outside 0…0"),
        ({"account": np.array([-1])}, 1, 1, "account index -1"),
        ({"department": np.array([1])}, 1, 1, "department index 1 is outside -1…0"),
        ({"department": np.array([-2])}, 1, 1, "department index -2"),
        ({"role": np.array([len(ROLES)])}, 1, 1, "role index 6"),
        ({"attitude": np.array([-2])}, 1, 1, "attitude index -2"),
        ({"influence": np.array([0.0])}, 1, 1, "influence must be a rating from 1 to 5"),
        ({"closeness": np.array([6.0])}, 1, 1, "closeness must be a rating from 1 to 5"),
        ({"price_acceptance": np.array([0.5])}, 1, 1, "price_acceptance must be a rating"),
        ({"days_since_contact": np.array([math.inf])}, 1, 1, "days_since_contact"),
        ({}, -1, 1, "must not be negative"),
    ],
)
def test_bad_input_is_refused_naming_what_is_wrong(
    change: dict[str, np.ndarray], n_accounts: int, n_departments: int, message: str
) -> None:
    # Given one valid person with one thing broken
    given_people = replace(people(Person(department=0, closeness=3)), **change)
    # Then scoring refuses it with a message that names it
    with pytest.raises(ValueError, match=message):
        score_people(given_people, n_accounts, n_departments)


def test_person_scores_refuses_a_rating_out_of_range() -> None:
    with pytest.raises(ValueError, match="solution_approval must be a rating from 1 to 5"):
        person_scores(np.array([3.0]), np.array([0.0]), np.array([NAN]))


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="decision_maker_factor"):
        score_people(people(Person()), 1, 0, RelationshipSettings(decision_maker_factor=0))


# A portfolio in one call is every account on its own.

DEPARTMENTS_PER_ACCOUNT = 3
ratings = st.sampled_from([NAN, 1.0, 2.0, 3.0, 4.0, 5.0, 2.5])
days = st.one_of(st.just(NAN), st.sampled_from([-3.0, 0.0, 90.0, 91.0, 180.0, 181.0, 400.0]))


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[int, list[Person]]:
    n_accounts = draw(st.integers(1, 5))
    person = st.builds(
        Person,
        account=st.integers(0, n_accounts - 1),
        department=st.integers(-1, DEPARTMENTS_PER_ACCOUNT - 1),  # local to the account
        role=st.sampled_from(["", *ROLES]),
        attitude=st.sampled_from(["", *ATTITUDES]),
        influence=ratings,
        closeness=ratings,
        solution_approval=ratings,
        price_acceptance=ratings,
        days_since_contact=days,
        active=st.booleans(),
        days_since_left=days,
    )
    return n_accounts, draw(st.lists(person, max_size=25))


def _global_department(p: Person) -> int:
    return -1 if p.department < 0 else p.account * DEPARTMENTS_PER_ACCOUNT + p.department


def _local_department(p: Person) -> int:
    return -1 if p.department < 0 else p.department % DEPARTMENTS_PER_ACCOUNT


def _reference_person_score(p: Person) -> float:
    present = [
        (w, x)
        for w, x in [(0.5, p.closeness), (0.3, p.solution_approval), (0.2, p.price_acceptance)]
        if not math.isnan(x)
    ]
    if not present:
        return NAN
    return 100 * sum(w * (x - 1) / 4 for w, x in present) / sum(w for w, _ in present)


def _reference_weight(p: Person) -> float:
    if not p.active or math.isnan(_reference_person_score(p)):
        return 0.0
    influence = 1.0 if math.isnan(p.influence) else p.influence
    return influence * (2.0 if p.role == "decision_maker" else 1.0)


def _reference_mean(group: list[Person]) -> float:
    counted = [p for p in group if _reference_weight(p) > 0]
    if not counted:
        return NAN
    total = sum(_reference_weight(p) for p in counted)
    return sum(_reference_weight(p) * _reference_person_score(p) for p in counted) / total


def _in_window(p: Person) -> bool:
    return p.active and not math.isnan(p.days_since_contact) and p.days_since_contact <= 90


def _reference_account(group: list[Person]) -> tuple[float, float, set[str], dict[str, set[int]]]:
    """Overall closeness, coverage, gap kinds and who each names, written out per §7."""
    active = [p for p in group if p.active]
    high = [p for p in active if not math.isnan(p.influence) and p.influence >= 4]
    to_cover = [p for p in active if p.role == "decision_maker" or p in high]
    covered = [p for p in to_cover if _in_window(p) and not math.isnan(_reference_person_score(p))]
    coverage = len(covered) / len(to_cover) if to_cover else NAN
    in_window = [p for p in active if _in_window(p)]
    names = {
        "uncovered_decision_maker": [
            p
            for p in active
            if p.role == "decision_maker"
            and (not _in_window(p) or math.isnan(_reference_person_score(p)))
        ],
        "high_influence_opponent": [p for p in high if p.attitude in ("sceptic", "opponent")],
        "single_threaded": in_window if len(in_window) < 2 else [],
        "sponsor_left": [
            p
            for p in group
            if not p.active
            and (p.role == "coach" or p.attitude == "champion")
            and (math.isnan(p.days_since_left) or p.days_since_left <= 180)
        ],
    }
    kinds = {kind for kind, who in names.items() if who}
    if not active:
        kinds.add("no_contacts")  # and neither no_coach nor single_threaded, which repeat it
    if active and len(in_window) < 2:
        kinds.add("single_threaded")  # also when nobody is in the window, naming nobody
    if active and not any(p.role == "coach" or p.attitude == "champion" for p in active):
        kinds.add("no_coach")
    named_ids = {kind: {id(p) for p in who} for kind, who in names.items()}
    return _reference_mean(group), coverage, kinds, named_ids


def _same(actual: float, expected: float) -> bool:
    return (math.isnan(actual) and math.isnan(expected)) or actual == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(portfolios())
def test_a_portfolio_scores_as_each_account_alone(portfolio: tuple[int, list[Person]]) -> None:
    # Given several accounts' contacts, departments numbered across the portfolio
    n_accounts, rows = portfolio
    rows = [replace(p, department=_global_department(p)) for p in rows]
    # When the whole portfolio is scored in one call
    result = scores(
        *rows, n_accounts=n_accounts, n_departments=n_accounts * DEPARTMENTS_PER_ACCOUNT
    )
    # Then every account's figures are those §7 gives for its people alone
    for a in range(n_accounts):
        group = [p for p in rows if p.account == a]
        closeness, coverage, kinds, named_ids = _reference_account(group)
        assert _same(result.overall_closeness[a], closeness)
        assert _same(result.coverage[a], coverage)
        assert account_gaps(result, a) == kinds
        assert result.gap_count[a] == len(kinds)
        for kind, ids in named_ids.items():
            assert {id(rows[i]) for i in named(result, kind) if rows[i].account == a} == ids
    for d in range(n_accounts * DEPARTMENTS_PER_ACCOUNT):
        expected = _reference_mean([p for p in rows if p.department == d])
        assert _same(result.department_score[d], expected)
    assert not result.gaps[:, [GAP_KINDS.index("no_contacts"), GAP_KINDS.index("no_coach")]].any()
    # And one call per account gives the same figures, person by person
    for a in range(n_accounts):
        mine = np.array([p.account == a for p in rows], dtype=np.bool_)
        alone = scores(
            *[
                replace(p, account=0, department=_local_department(p))
                for p in rows
                if p.account == a
            ],
            n_departments=DEPARTMENTS_PER_ACCOUNT,
        )
        for name in ("person_score", "weight", "in_window", "must_cover", "covered", "gaps"):
            np.testing.assert_array_equal(getattr(result, name)[mine], getattr(alone, name))
        for name in ("overall_closeness", "coverage", "account_gaps", "gap_count"):
            np.testing.assert_array_equal(getattr(result, name)[[a]], getattr(alone, name))
        own = slice(a * DEPARTMENTS_PER_ACCOUNT, (a + 1) * DEPARTMENTS_PER_ACCOUNT)
        np.testing.assert_allclose(result.department_score[own], alone.department_score)

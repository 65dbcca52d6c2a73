"""One rule for a signed change in percent, on every page (kam.core.numbers)."""

from kam.core.numbers import MINUS, signed_percent


def test_a_fall_reads_with_the_minus_sign_in_whole_percent() -> None:
    # Given the sales panel's growth and the strategy's reason for one account
    # When both write a fall of 71.5 %
    # Then they read the same: whole percent, the typographic minus
    assert signed_percent(-0.715) == f"{MINUS}72 %"
    assert signed_percent(-0.7349) == f"{MINUS}73 %"


def test_a_rise_carries_its_plus_and_zero_no_sign() -> None:
    assert signed_percent(0.052) == "+5 %"
    assert signed_percent(0.004) == "0 %"
    assert signed_percent(-0.004) == "0 %"


def test_more_places_when_asked() -> None:
    assert signed_percent(-0.6667, places=1) == f"{MINUS}66.7 %"

"""`kam serve` says first which address to open and why (a plain-HTTP browser would otherwise
meet an HTTPS redirect that nothing answers)."""

from __future__ import annotations

from kam.ops.management.commands.serve import startup_lines


def test_plain_http_names_the_url_to_open_and_why_https_is_off() -> None:
    lines = startup_lines("127.0.0.1:8000", https=False, redirect=False)

    assert lines[0] == "kam is serving on http://127.0.0.1:8000/: open that address in a browser."
    assert "KAM_HTTPS=false" in lines[1] and "TLS proxy" in lines[1]


def test_https_on_without_a_proxy_says_the_redirect_will_fail_and_what_to_do() -> None:
    lines = startup_lines("0.0.0.0:8443", https=True, redirect=True)

    assert "http://127.0.0.1:8443/" in lines[0] and "KAM_HTTPS=true" in lines[0]
    assert "redirected to https://" in lines[1]
    assert "KAM_HTTPS=false" in lines[1]


def test_behind_a_proxy_that_redirects_it_sends_the_reader_to_the_proxy() -> None:
    lines = startup_lines("10.0.0.5:8000", https=True, redirect=False)

    assert "http://10.0.0.5:8000/" in lines[0]
    assert "proxy's https:// address" in lines[1]

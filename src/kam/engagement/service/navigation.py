"""Where the account's service records send the reader back to after a write: the account
page's panel, or the service page the form was posted from (DOMAIN §9)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kam.core.errors import DomainError, FieldError

SERVICE = "service"


def back_to(request: HttpRequest, account_id: int, anchor: str) -> HttpResponse:
    """The service page when the form came from it (`back=service`), else the account page,
    each at the section's anchor."""
    if request.POST.get("back") == SERVICE:
        return redirect(reverse("account_service", args=[account_id]) + f"#{anchor}")
    return redirect(reverse("account_detail", args=[account_id]) + f"#{anchor}")


def form_errors(request: HttpRequest, form: forms.Form) -> None:
    """Each field's errors as one page message naming the field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{str(label).capitalize()}: {text}" if label else text)


def domain_errors(form: forms.Form, error: DomainError) -> None:
    """A service's refusal on the form, at the field it names when the form has it."""
    for problem in error.errors or [FieldError("", error.message)]:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)

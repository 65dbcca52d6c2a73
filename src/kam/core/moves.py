"""The pages' POSTed moves (ARCHITECTURE names): a button posts one move of one object (an
alert acknowledged, a complaint resolved…); the service checks it in the object's
StateMachine (kam.core.transitions) and raises Conflict for an illegal one, InvalidInput for
a missing reason. The page then says so, or says it is done, and goes back to the object —
the same for every kind of object, so each app declares its moves, not their handling. (The
API answers the same refusals with 409/422 JSON through its DomainError handler.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from kam.core.errors import DomainError

M = TypeVar("M")


class PageMoves(Generic[M]):
    """The POST views of one kind of object: `param` is the URL's name for its id, `load`
    fetches it for the request's user (a selector: another manager's object is a 404, never a
    move), `back` is where each view redirects, given the request and the id."""

    def __init__(
        self,
        *,
        param: str,
        load: Callable[[Any, int], M],
        back: Callable[[HttpRequest, int], str],
    ) -> None:
        self.param, self.load, self.back = param, load, back

    def view(
        self, apply: Callable[[Any, M], object], done: str | Promise
    ) -> Callable[..., HttpResponse]:
        """A signed-in POST-only view that loads the object, applies `apply(request, obj)`
        and shows `done` (lazy, so in the request's language) or the refusal's message."""

        @login_required
        @require_POST
        def move(request: HttpRequest, **kwargs: int) -> HttpResponse:
            pk = kwargs[self.param]
            target = self.load(request, pk)
            try:
                apply(request, target)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, str(done))
            return HttpResponseRedirect(self.back(request, pk))

        return move

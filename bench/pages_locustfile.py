"""The locust users of bench/pages.py: each takes its own signed-in session, then asks every
page in turn (named as in the report), a second apart. The pages and the sessions come from
the environment bench/pages.py sets."""

from __future__ import annotations

import itertools
import json
import os

from locust import HttpUser, constant, task

PAGES: dict[str, str] = json.loads(os.environ.get("KAM_BENCH_PAGES", "{}"))
SESSIONS = itertools.cycle(json.loads(os.environ.get("KAM_BENCH_SESSIONS", "[{}]")))


class SignedInUser(HttpUser):
    wait_time = constant(1)

    def on_start(self) -> None:
        self.client.cookies.update(next(SESSIONS))
        self.turn = 0

    @task
    def next_page(self) -> None:
        name, path = list(PAGES.items())[self.turn % len(PAGES)]
        self.turn += 1
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200 or "/login/" in answer.url:
                answer.failure(f"{answer.status_code} at {answer.url}")

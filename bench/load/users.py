"""The virtual users of the load run (locust). They read the scene (bench/load/scene.py) from the JSON file named
by LOAD_SCENE and import nothing from Django. LOAD_THINK scales every think time (0: none).

A request counts as failed when its answer is not the expected one: a page must answer 200 with its text, a form
post must answer with the redirect the view gives on success (a refused save answers 200 with the form again), a
save in place with {"ok": true}.
"""

import itertools
import json
import os
import random
import re
import threading
import time

from blank_pdf import small_pdf
from htmlform import form_with
from locust import HttpUser, between, task
from locust.exception import StopUser

SCENE = {}
THINK = float(os.environ.get("LOAD_THINK", "1"))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_TEXT = re.compile(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>([^<]{0,160})')
REVISION = re.compile(r'name="revision" value="(\d+)"')
_counter = itertools.count()
_lock = threading.Lock()


def scene() -> dict:
    if not SCENE:
        with open(os.environ["LOAD_SCENE"], encoding="utf-8") as handle:
            SCENE.update(json.load(handle))
    return SCENE


def next_index() -> int:
    with _lock:
        return next(_counter)


def think(low: float, high: float):
    return between(low * THINK, high * THINK)


class Person(HttpUser):
    abstract = True
    people_key = ""

    def on_start(self):
        people = scene()[self.people_key]
        self.index = next_index()
        self.person = people[self.index % len(people)]
        self.client.cookies.update(self.person["cookies"])
        self.rng = random.Random(self.index)

    def get_page(self, url: str, expect: str, name: str | None = None) -> str | None:
        with self.client.get(url, name=name or url, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif expect not in response.text:
                response.failure(f"missing {expect!r}")
            else:
                return response.text
        return None

    def post_form(self, url: str, name: str, redirect_to: str, **kwargs) -> bool:
        with self.client.post(url, name=name, allow_redirects=False, catch_response=True, **kwargs) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.startswith(redirect_to):
                return True
            found = ERROR_TEXT.findall(response.text)
            response.failure(f"HTTP {response.status_code} {location} {found[:2]}")
        return False


class Floor(HttpUser):
    """The floor: the bare 50-row table of bench/bench_urls.py, with the think time of the phase it is compared
    with (LOAD_FLOOR_THINK low,high)."""

    def wait_time(self):
        low, high = (float(x) for x in os.environ.get("LOAD_FLOOR_THINK", "0,0").split(","))
        return random.uniform(low, high) * THINK

    @task
    def floor(self):
        with self.client.get("/bench/floor/", name="floor", catch_response=True) as response:
            if response.status_code != 200 or "<td>" not in response.text:
                response.failure(f"HTTP {response.status_code}")


class Browser(Person):
    """Phase 1: staff, unit contacts, recommender members and experts browse their dashboards and list pages."""

    people_key = "browsing"
    wait_time = think(1, 3)

    @task
    def browse(self):
        url, expect = self.rng.choice(self.person["pages"])
        name = re.sub(r"/\d+/", "/<id>/", url.split("?")[0])
        self.get_page(url, expect, name=f"{self.person['desk']} {name}")


class Applicant(Person):
    """Phase 2, the deadline surge: an applicant opens the draft and saves it now and then; at a moment of its own
    before the window closes it opens the attachments, uploads the PDFs, opens the submit page and submits, a
    step at a time with a short pause between; then it looks at its application now and then."""

    people_key = "applicants"
    thinking = think(2, 5)
    clicking = think(0.5, 1.5)

    def wait_time(self):
        if self.steps:
            return self.clicking()
        pause = self.thinking()
        if not self.submitted:
            pause = min(pause, max(0.0, self.submit_at - time.monotonic()))
        return pause

    def on_start(self):
        super().on_start()
        # A moment of its own between arriving and 12 s before the window closes (the attachments, two uploads and
        # the submit page take it about 5 s with the pauses between clicks), at the latest 25 s after arriving.
        now = time.monotonic()
        ends = float(os.environ.get("LOAD_PHASE_ENDS", now + 60))
        self.submit_at = now + min(25.0, max(1.0, ends - 12 - now)) * self.rng.uniform(0.1, 1.0)
        self.submitted, self.saves, self.steps, self.token = False, 0, [], ""
        page = self.get_page(self.person["edit"], "revision", name="applicant edit (GET)")
        self.form = form_with(page or "", "revision")

    @task
    def work(self):
        if self.steps:
            self.steps.pop(0)()
        elif self.submitted:
            self.get_page(self.person["detail"], "<html", name="applicant detail (GET)")
        elif not self.form:
            raise StopUser()
        elif time.monotonic() < self.submit_at:
            self.save_draft()
        else:
            self.submitted = True
            uploads = [lambda pk=pk, code=code: self.upload(pk, code) for pk, code in self.person["pdf_requirements"]]
            self.steps = [self.open_attachments, *uploads, self.open_submit, self.submit]

    def save_draft(self):
        """What the edit page's script sends for "Save draft" (static/js/applications.js): the form in place, with
        X-Save-In-Place; the JSON answer gives the revision of the next save."""
        self.saves += 1
        data = dict(self.form)
        text_fields = [name for name, value in data.items() if name.startswith("q_") and len(value) > 20]
        for name in text_fields[:1]:
            data[name] = f"{data[name].split('（第')[0]}（第{self.saves}次修改）"
        data["next"] = "edit"
        with self.client.post(
            self.person["edit"],
            name="applicant save draft (POST, in place)",
            data=data,
            headers={"X-Save-In-Place": "1"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            if response.status_code == 200 and answer.get("ok"):
                data.pop("next")
                self.form.update(data)
                self.form["revision"] = str(answer["revision"])
            else:
                response.failure(f"HTTP {response.status_code} {answer.get('message', '')[:160]}")

    def open_attachments(self):
        page = self.get_page(self.person["attachments"], "csrfmiddlewaretoken", name="applicant attachments (GET)")
        match = CSRF_INPUT.search(page or "")
        self.token = match.group(1) if match else ""

    def upload(self, requirement_pk: int, code: str):
        self.post_form(
            self.person["attachments"],
            "applicant upload PDF (POST)",
            self.person["attachments"],
            data={"requirement": str(requirement_pk), "csrfmiddlewaretoken": self.token},
            files={"file": (f"{code}.pdf", small_pdf(f"{code} {self.index} {time.time()}"), "application/pdf")},
        )

    def open_submit(self):
        page = self.get_page(self.person["submit"], "confirm", name="applicant submit (GET)")
        match = CSRF_INPUT.search(page or "")
        self.token = match.group(1) if match else ""

    def submit(self):
        self.post_form(
            self.person["submit"],
            "applicant submit (POST)",
            self.person["detail"],
            data={"confirm": "on", "csrfmiddlewaretoken": self.token},
        )


class Expert(Person):
    """Phase 3: experts score their sheets at once, the page's autosave posting every item with the revision the
    last answer gave, and look at their task list now and then."""

    people_key = "experts"
    wait_time = think(1, 3)

    def on_start(self):
        super().on_start()
        self.tokens, self.revisions, self.turn = {}, {}, 0
        for url, _items in self.person["sheets"]:
            page = self.get_page(url, "csrfmiddlewaretoken", name="expert sheet (GET)") or ""
            token, revision = CSRF_INPUT.search(page), REVISION.search(page)
            self.tokens[url] = token.group(1) if token else ""
            self.revisions[url] = int(revision.group(1)) if revision else 0

    @task(10)
    def autosave(self):
        url, items = self.person["sheets"][self.turn % len(self.person["sheets"])]
        self.turn += 1
        data = {name: str(self.rng.randint(top // 2, top)) for name, top in items.items()}
        data.update(revision=str(self.revisions[url]), comment="")
        headers = {"X-Autosave": "1", "X-CSRFToken": self.tokens[url]}
        with self.client.post(
            url, data=data, headers=headers, name="expert autosave (POST)", catch_response=True
        ) as response:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if response.status_code == 200 and body.get("ok") is True:
                self.revisions[url] = body["revision"]
            else:
                response.failure(f"HTTP {response.status_code} {body.get('code')} {body.get('message', '')[:80]}")

    @task(1)
    def task_list(self):
        self.get_page(self.person["round"], "/reviews/expert/assignments/", name="expert task list (GET)")

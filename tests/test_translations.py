"""The Chinese catalogue is complete: every entry translated and not fuzzy, and no string of the code missing.

The second test runs `makemessages` on a copy of the project (never on the real locale directory) and compares
the message ids it extracts with the committed catalogue.
"""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hans"
CATALOGUE = ROOT / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
# Not part of what makemessages should scan: tools, dependencies, generated files and the tests themselves.
COPY_IGNORE = (".git", ".venv", "node_modules", "var", "tests", "__pycache__", ".ruff_cache", ".pytest_cache")

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def label(self) -> str:
        context = f" [context {self.msgctxt!r}]" if self.msgctxt is not None else ""
        where = " ".join(self.references[:3]) or f"line {self.line}"
        return f"{self.msgid!r}{context} ({where})"


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(text: str) -> list[Entry]:
    """The entries of a PO file, without the header and without obsolete (#~) entries."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish():
        nonlocal entry, started, target
        if started and entry.msgid != "":
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started and target and target[0] == "msgstr":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if started and target and target[0] == "msgstr":
                finish()
            if line.startswith("#:"):
                entry.references += line[2:].split()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"line {number}: continuation without a keyword")
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += unquote(line)
            else:
                setattr(entry, name, (getattr(entry, name) or "") + unquote(line))
            continue
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
            finish()
        if not started:
            started, entry.line = True, number
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, unquote(rest))
            target = (keyword, None)
        elif keyword == "msgstr" or match:
            index = int(match.group(1)) if match else 0
            entry.msgstr[index] = unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"line {number}: unexpected {line!r}")
    finish()
    return entries


def test_parse_po_reads_plurals_contexts_flags_and_continuations():
    text = r"""
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: a.py:1
msgid "Sign in"
msgstr "登录"

#, fuzzy, python-format
msgid ""
"Waiting for approval by "
"%(approver)s."
msgstr "等待%(approver)s审核。"

msgctxt "month"
msgid "May"
msgstr ""

msgid "%(n)s item"
msgid_plural "%(n)s items"
msgstr[0] "%(n)s 项"

msgid "Say \"hi\"\n"
msgstr "说“你好”\n"

#~ msgid "Old"
#~ msgstr "旧"
"""
    entries = {e.msgid: e for e in parse_po(text)}

    assert list(entries) == ["Sign in", "Waiting for approval by %(approver)s.", "May", "%(n)s item", 'Say "hi"\n']
    assert (entries["Sign in"].msgstr, entries["Sign in"].references) == ({0: "登录"}, ["a.py:1"])
    assert entries["Waiting for approval by %(approver)s."].flags == {"fuzzy", "python-format"}
    assert entries["May"].msgctxt == "month" and entries["May"].msgstr == {0: ""}
    assert entries["%(n)s item"].msgid_plural == "%(n)s items"
    assert entries['Say "hi"\n'].msgstr == {0: "说“你好”\n"}


def untranslated(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy        {entry.label()}")
        elif not entry.msgstr or any(not text for text in entry.msgstr.values()):
            problems.append(f"untranslated {entry.label()}")
    return problems


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    assert CATALOGUE.exists(), f"no catalogue at {CATALOGUE.relative_to(ROOT)}; run makemessages -l {LOCALE}"

    problems = untranslated(parse_po(CATALOGUE.read_text(encoding="utf-8")))

    assert not problems, f"{len(problems)} entries of {CATALOGUE.relative_to(ROOT)} need work:\n" + "\n".join(problems)


def test_catalogue_has_every_string_of_the_code(tmp_path):
    assert CATALOGUE.exists(), f"no catalogue at {CATALOGUE.relative_to(ROOT)}; run makemessages -l {LOCALE}"
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda directory, names: [
            n for n in names if n in COPY_IGNORE or (Path(directory).name == "static" and n == "vendor")
        ],
        symlinks=True,
    )
    fresh_po = copy / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
    fresh_po.unlink(missing_ok=True)
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    # The copy's own settings resolve BASE_DIR, hence LOCALE_PATHS, to the copy: the real catalogue is untouched.
    env.update(DJANGO_SETTINGS_MODULE="saq_portal.settings.local", DATABASE_URL="sqlite:///:memory:")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", LOCALE, "--no-obsolete", "-d", "django"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    wanted = {entry.key: entry for entry in parse_po(fresh_po.read_text(encoding="utf-8"))}
    have = {entry.key for entry in parse_po(CATALOGUE.read_text(encoding="utf-8"))}
    missing = sorted((entry.label() for key, entry in wanted.items() if key not in have), key=str)

    assert not missing, (
        f"{len(missing)} strings of the code are missing from {CATALOGUE.relative_to(ROOT)} "
        f"(run `manage.py makemessages -l {LOCALE} --no-obsolete` and translate them):\n" + "\n".join(missing)
    )


# makemessages only knows the standard names (gettext, gettext_lazy, _, pgettext, ...): a string marked through an
# alias such as `gettext_lazy as _lazy` is never extracted and stays English on the Chinese pages.
ALIAS = re.compile(r"import\s+(?:\(\s*)?[^\n]*\b(n?p?gettext(?:_lazy|_noop)?)\s+as\s+(?!_\b)(\w+)")


def test_translation_functions_are_not_imported_under_names_makemessages_does_not_know():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if any(part in COPY_IGNORE for part in path.relative_to(ROOT).parts):
            continue
        for match in ALIAS.finditer(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(1)} as {match.group(2)}")
    assert offenders == []

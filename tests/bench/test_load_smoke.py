"""The load run (bench/run_load.py) end to end at a tiny size: seeding, gunicorn, the floor and the three locust
phases, the lost-upload check and the report, so a change that breaks the harness fails here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_load_run_at_a_tiny_scale_serves_every_phase_without_errors_or_lost_uploads():
    from django.db import connection

    env = {
        **os.environ,
        # The test database of this run (migrated; the harness empties it, as a transactional test does anyway).
        "LOAD_DATABASE": connection.settings_dict["NAME"],
        "LOAD_REDIS_DB": "12",
        "LOAD_ROWS": "200",
        "LOAD_BROWSE_USERS": "3",
        "LOAD_APPLICANTS": "3",
        "LOAD_EXPERTS": "2",
        "LOAD_SHEETS": "2",
        "LOAD_BROWSE_SECONDS": "3",
        "LOAD_SURGE_SECONDS": "10",
        "LOAD_SCORE_SECONDS": "3",
        "LOAD_FLOOR_SECONDS": "1",
        "LOAD_WORKERS": "2",
        "LOAD_THINK": "0.3",
    }
    result = subprocess.run(
        [sys.executable, "bench/run_load.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    for phase in ("browse", "surge", "score"):
        assert f"\n{phase} " in output, output
    assert "× floor" in output
    assert "surge uploads: 6 files on storage, 6 upload rows in the database" in output, output
    assert "3/3 applications submitted" in output, output

"""A closed round stays closed in the database too (PostgreSQL; the SQLite demo relies on the services, which have
no move out of "closed"): without it, raw SQL could reopen the round, change a score the score-sheet trigger of
0005 then lets through, and close it again. A maintenance session may set `saq.round_reopen = 'on'` locally to
repair data on purpose; nothing in the portal does."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION reviews_round_stays_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'closed' AND NEW.state IS DISTINCT FROM OLD.state
       AND coalesce(current_setting('saq.round_reopen', true), '') <> 'on' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
            'A closed review round stays closed (round ' || OLD.id || '): its scores are read-only.';
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS reviews_round_stays_closed ON reviews_reviewround;
CREATE TRIGGER reviews_round_stays_closed BEFORE UPDATE OF state ON reviews_reviewround
    FOR EACH ROW EXECUTE FUNCTION reviews_round_stays_closed();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reviews_round_stays_closed ON reviews_reviewround;
DROP FUNCTION IF EXISTS reviews_round_stays_closed();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_levelscheme_released_checksum")]

    operations = [migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(REVERSE), elidable=False)]

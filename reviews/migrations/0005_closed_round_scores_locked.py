"""The database itself refuses a change to a score once its round is closed (PostgreSQL; the SQLite demo relies on
the services): a trigger on score sheets and on the round results stored at closing. The one audited exception is
`scoring.sheet_correct`, which marks its own transaction with `SET LOCAL saq.score_correction = 'on'`."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION reviews_sheet_round_closed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    closed boolean;
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.scores IS NOT DISTINCT FROM OLD.scores AND NEW.total IS NOT DISTINCT FROM OLD.total
       AND NEW.comments IS NOT DISTINCT FROM OLD.comments AND NEW.comment IS NOT DISTINCT FROM OLD.comment
       AND NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.assignment_id = OLD.assignment_id
       AND NEW.rubric_id = OLD.rubric_id THEN
        RETURN NEW;  -- nothing that scores changed (e.g. a touched timestamp)
    END IF;
    SELECT r.state = 'closed' INTO closed
      FROM reviews_assignment a JOIN reviews_reviewround r ON r.id = a.round_id
     WHERE a.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.assignment_id ELSE NEW.assignment_id END;
    IF closed AND coalesce(current_setting('saq.score_correction', true), '') <> 'on' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
            'The scores of a closed review round are read-only (score sheet '
            || coalesce(CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END::text, 'new') || ').';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE OR REPLACE FUNCTION reviews_result_round_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Results are inserted by the closing itself (after the state moved); once there they stay as they were.
    IF (SELECT state FROM reviews_reviewround WHERE id = OLD.round_id) = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
            'The results of a closed review round are read-only (round ' || OLD.round_id || ').';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

DROP TRIGGER IF EXISTS reviews_sheet_round_closed ON reviews_scoresheet;
CREATE TRIGGER reviews_sheet_round_closed BEFORE INSERT OR UPDATE OR DELETE ON reviews_scoresheet
    FOR EACH ROW EXECUTE FUNCTION reviews_sheet_round_closed();
DROP TRIGGER IF EXISTS reviews_result_round_closed ON reviews_roundresult;
CREATE TRIGGER reviews_result_round_closed BEFORE UPDATE OR DELETE ON reviews_roundresult
    FOR EACH ROW EXECUTE FUNCTION reviews_result_round_closed();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reviews_sheet_round_closed ON reviews_scoresheet;
DROP TRIGGER IF EXISTS reviews_result_round_closed ON reviews_roundresult;
DROP FUNCTION IF EXISTS reviews_sheet_round_closed();
DROP FUNCTION IF EXISTS reviews_result_round_closed();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_panel_session")]

    operations = [migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(REVERSE), elidable=False)]

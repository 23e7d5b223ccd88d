"""A closed round takes no new row either (PostgreSQL): 0005 refused changing or deleting a closed round's results
but not inserting one, because closing inserted them after the state had moved. Closing now writes its results
first (`rounds.round_close`), so a result row or an assignment inserted into (or moved into) a closed round is
refused, whoever writes it. Score sheets were already covered by 0005's trigger (INSERT included; the audited
correction passes with `saq.score_correction`).

The checks read the round's row `FOR KEY SHARE`, the lock the foreign key check takes anyway: a write racing the
closing waits for the closing's row lock and then sees the round closed, instead of passing on the state read
before the closing committed."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION reviews_round_is_closed(round_id bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    closed boolean;
BEGIN
    SELECT r.state = 'closed' INTO closed FROM reviews_reviewround r WHERE r.id = round_id FOR KEY SHARE;
    RETURN coalesce(closed, false);
END $$;

CREATE OR REPLACE FUNCTION reviews_result_round_closed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    round_id bigint;
BEGIN
    -- Closing writes the results before it moves the state: a closed round's results are only ever those.
    FOREACH round_id IN ARRAY ARRAY[CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.round_id END,
                                     CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.round_id END] LOOP
        IF round_id IS NOT NULL AND reviews_round_is_closed(round_id) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
                'The results of a closed review round are read-only (round ' || round_id || ').';
        END IF;
    END LOOP;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE OR REPLACE FUNCTION reviews_assignment_round_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A new assignment (or one moved in) would add a mark to a closed round's figures.
    IF TG_OP = 'UPDATE' AND NEW.round_id = OLD.round_id THEN
        RETURN NEW;
    END IF;
    IF reviews_round_is_closed(NEW.round_id) OR (TG_OP = 'UPDATE' AND reviews_round_is_closed(OLD.round_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
            'A closed review round takes no new assignment: its scores are read-only (round ' || NEW.round_id || ').';
    END IF;
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS reviews_result_round_closed ON reviews_roundresult;
CREATE TRIGGER reviews_result_round_closed BEFORE INSERT OR UPDATE OR DELETE ON reviews_roundresult
    FOR EACH ROW EXECUTE FUNCTION reviews_result_round_closed();
DROP TRIGGER IF EXISTS reviews_assignment_round_closed ON reviews_assignment;
CREATE TRIGGER reviews_assignment_round_closed BEFORE INSERT OR UPDATE OF round_id ON reviews_assignment
    FOR EACH ROW EXECUTE FUNCTION reviews_assignment_round_closed();
"""

# Back to 0005's functions and triggers.
REVERSE = """
DROP TRIGGER IF EXISTS reviews_assignment_round_closed ON reviews_assignment;
DROP FUNCTION IF EXISTS reviews_assignment_round_closed();

CREATE OR REPLACE FUNCTION reviews_result_round_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Results are inserted by the closing itself (after the state moved); once there they stay as they were.
    IF (SELECT state FROM reviews_reviewround WHERE id = OLD.round_id) = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE =
            'The results of a closed review round are read-only (round ' || OLD.round_id || ').';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

DROP TRIGGER IF EXISTS reviews_result_round_closed ON reviews_roundresult;
CREATE TRIGGER reviews_result_round_closed BEFORE UPDATE OR DELETE ON reviews_roundresult
    FOR EACH ROW EXECUTE FUNCTION reviews_result_round_closed();
DROP FUNCTION IF EXISTS reviews_round_is_closed(bigint);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_closed_round_stays_closed")]

    operations = [migrations.RunPython(_on_postgresql(FUNCTIONS), _on_postgresql(REVERSE), elidable=False)]

"""On PostgreSQL, the database itself refuses to change or delete an audit event, and lets the
chain head only advance, to an event that exists with that hash (a batch advances it by
several events at once).

Why triggers and not only the application's refusals: a one-off SQL session or a future bug
cannot rewrite history by accident. Why this is not the guarantee: the tables' owner can
``ALTER TABLE … DISABLE TRIGGER`` and a superuser can ``SET session_replication_role =
replica``; against them the hash chain and the head snapshots kept elsewhere are the
defence (the verifier's tests tamper exactly that way). TRUNCATE is left alone: Django's
test flush uses it, and an emptied table is caught by the head.

SQLite gets no trigger: Django's flush there deletes rows, which a trigger would refuse.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE FUNCTION audit_head_advance_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit chain head cannot be deleted';
    END IF;
    IF NEW.last_seq <= OLD.last_seq OR NOT EXISTS (
        SELECT 1 FROM audit_auditevent WHERE seq = NEW.last_seq AND hash = NEW.last_hash
    ) THEN
        RAISE EXCEPTION 'the audit chain head only advances, to an existing event';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_chainhead_advance_only BEFORE UPDATE OR DELETE ON audit_chainhead
    FOR EACH ROW EXECUTE FUNCTION audit_head_advance_only();
"""

BACKWARD = """
DROP TRIGGER audit_chainhead_advance_only ON audit_chainhead;
DROP FUNCTION audit_head_advance_only();
DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION audit_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditevent_place_code")]
    operations = [migrations.RunPython(forward, backward)]

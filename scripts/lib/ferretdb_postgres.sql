-- FerretDB's PostgreSQL database, tuned so that MongoDB filters it pushes down use an index
-- (docs/adr/0013-ferretdb-on-postgresql.md). Run by ./marketplace (postgres_setup) on every start of the
-- instance's PostgreSQL; idempotent. Local store only: the services send standard MongoDB commands, and
-- MongoDB 7 uses the indexes they create as they are.
--
-- FerretDB v1.24 pushes an equality filter down as `_jsonb -> $1 @> $2` and creates every MongoDB index as
-- a btree on `(_jsonb -> 'field')`, which that operator cannot use: every query was a sequential scan.
-- 1. Custom plans: with the field name bound at planning time, the planner can match the expression.
-- 2. A GIN twin (jsonb_path_ops, which serves @>) of the leading key of every btree index FerretDB makes.

SET client_min_messages = warning;  -- no "does not exist, skipping" notices in ./marketplace's output

ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;

-- Creates the GIN twin of index `btree_index` if it is a FerretDB index whose leading key is `_jsonb -> 'field'`.
CREATE OR REPLACE FUNCTION mp_gin_twin(btree_index regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  expression text;
  schema_name name;
  table_name name;
  twin name;
BEGIN
  -- CREATE [UNIQUE] INDEX name ON schema.table USING btree (((_jsonb -> 'field'::text)), ...)
  expression := substring(pg_get_indexdef(btree_index)
                          FROM $re$USING btree \(\((\(_jsonb -> '[^']+'::text\))\)$re$);
  IF expression IS NULL THEN
    RETURN;
  END IF;
  SELECT n.nspname, t.relname, left(c.relname, 59) || '_gin'
    INTO schema_name, table_name, twin
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE i.indexrelid = btree_index;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s jsonb_path_ops)',
                 twin, schema_name, table_name, expression);
END;
$$;

CREATE OR REPLACE FUNCTION mp_gin_twins_on_create_index() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands()
                 WHERE object_type = 'index' AND command_tag = 'CREATE INDEX' LOOP
    IF (SELECT amname FROM pg_class JOIN pg_am ON pg_am.oid = relam WHERE pg_class.oid = created.objid)
       = 'btree' THEN
      PERFORM mp_gin_twin(created.objid::regclass);
    END IF;
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS mp_gin_twins;
CREATE EVENT TRIGGER mp_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION mp_gin_twins_on_create_index();

-- Indexes made before the trigger existed.
SELECT mp_gin_twin(i.indexrelid::regclass)
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.amname = 'btree' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast');

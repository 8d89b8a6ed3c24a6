-- FerretDB's PostgreSQL database, tuned so that MongoDB filters it pushes down use an index
-- (docs/adr/0013-ferretdb-on-postgresql.md). Run by ./marketplace (postgres_setup) on every start of the
-- instance's PostgreSQL; idempotent. Local store only: the services send standard MongoDB commands, and
-- MongoDB 7 uses the indexes they create as they are.
--
-- FerretDB v1.24 pushes an equality filter down as `_jsonb -> $1 @> $2` and creates every MongoDB index as
-- a btree on `(_jsonb -> 'field')`, which that operator cannot use: every query was a sequential scan.
-- 1. Custom plans: with the field name bound at planning time, the planner can match the expression.
-- 2. A GIN twin (jsonb_path_ops, which serves @>) of every btree index FerretDB makes, on the same keys.
--
-- FerretDB v1.24 applies an update as a read, then `UPDATE ... SET _jsonb = <the modified document> WHERE
-- _id = ...` in a separate transaction, so two concurrent updates of one document lose one of them (400
-- concurrent $inc kept 247). 3. A version check on every collection's table: a document with a `version`
-- field may only be replaced by one whose version is one more. Every update of such a document increments
-- it (the services' rule, docs/adr/0014-exact-updates-on-ferretdb.md), so a write computed from an outdated
-- read is refused with serialization_failure; FerretDB answers InternalError naming mp_write_conflict, and
-- the client tries the update again from a new read (libs/mongo Collection::UpdateOne).

SET client_min_messages = warning;  -- no "does not exist, skipping" notices in ./marketplace's output

ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan;

-- Creates the GIN twin of index `btree_index` if it is a FerretDB index on `_jsonb -> 'field'` keys: one
-- column per key, so a filter on several of them (`{customer_id: 4, is_read: false}`) is answered by the
-- index alone and reads only the matching rows. Replaces the single-column twin of earlier versions.
CREATE OR REPLACE FUNCTION mp_gin_twin(btree_index regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  columns text := '';
  expression text;
  key_count int;
  schema_name name;
  table_name name;
  index_name name;
BEGIN
  SELECT n.nspname, t.relname, c.relname, i.indnkeyatts
    INTO schema_name, table_name, index_name, key_count
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE i.indexrelid = btree_index;
  FOR k IN 1 .. key_count LOOP
    expression := pg_get_indexdef(btree_index, k, true);
    EXIT WHEN expression !~ $re$\A\(_jsonb -> '[^']+'::text\)\Z$re$;
    columns := columns || CASE WHEN k > 1 THEN ', ' ELSE '' END || expression || ' jsonb_path_ops';
  END LOOP;
  IF columns = '' THEN
    RETURN;
  END IF;
  EXECUTE format('DROP INDEX IF EXISTS %I.%I', schema_name, left(index_name, 59) || '_gin');
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s)',
                 left(index_name, 55) || '_gin_all', schema_name, table_name, columns);
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

CREATE OR REPLACE FUNCTION mp_version_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD._jsonb ? 'version' AND NOT (NEW._jsonb ? 'version' AND
      (NEW._jsonb ->> 'version')::numeric = (OLD._jsonb ->> 'version')::numeric + 1) THEN
    RAISE EXCEPTION 'mp_write_conflict: the document changed after this update read it'
      USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN NEW;
END;
$$;

-- Adds the version check to `collection_table` if it is the table of a FerretDB collection.
CREATE OR REPLACE FUNCTION mp_add_version_check(collection_table regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  schema_name name;
  table_name name;
BEGIN
  SELECT n.nspname, c.relname INTO schema_name, table_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = collection_table;
  IF table_name LIKE '\_ferretdb\_%' OR schema_name IN ('pg_catalog', 'information_schema', 'public')
     OR NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = collection_table AND attname = '_jsonb') THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE OR REPLACE TRIGGER mp_version_check BEFORE UPDATE ON %I.%I '
                 'FOR EACH ROW EXECUTE FUNCTION mp_version_check()', schema_name, table_name);
END;
$$;

CREATE OR REPLACE FUNCTION mp_version_checks_on_create_table() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  created record;
BEGIN
  FOR created IN SELECT objid FROM pg_event_trigger_ddl_commands()
                 WHERE object_type = 'table' AND command_tag = 'CREATE TABLE' LOOP
    PERFORM mp_add_version_check(created.objid::regclass);
  END LOOP;
END;
$$;

DROP EVENT TRIGGER IF EXISTS mp_version_checks;
CREATE EVENT TRIGGER mp_version_checks ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION mp_version_checks_on_create_table();

-- Tables made before the trigger existed.
SELECT mp_add_version_check(c.oid::regclass)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public');

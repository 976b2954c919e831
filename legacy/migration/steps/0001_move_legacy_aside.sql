-- schemadiff: phase=before-expand
--
-- Stage 0: move the legacy tables out of public, into schema legacy, before expand
-- creates the new tables of the same names (users, user_sessions, user_interactions).
-- ALTER TABLE ... SET SCHEMA changes the catalog only: an ACCESS EXCLUSIVE lock for
-- milliseconds per table, no rewrite.  Indexes, constraints and the serial sequences
-- move with their tables.  The legacy application must be stopped (or in maintenance
-- mode) first: its unqualified queries no longer find the tables.
--
-- Also creates the helpers the other steps share (parsers for the legacy text columns,
-- deterministic ids for the new rows).  They live in schema legacy and are archived with
-- the tables by 0009.

SET LOCAL lock_timeout = '10s';

CREATE SCHEMA legacy;
COMMENT ON SCHEMA legacy IS 'The legacy learning platform tables during the migration to schema/ (docs/migration-plan.md); moved to schema archive by data step 0009.';

ALTER TABLE public.users SET SCHEMA legacy;
ALTER TABLE public.user_sessions SET SCHEMA legacy;
ALTER TABLE public.user_interactions SET SCHEMA legacy;
ALTER TABLE public.interaction_details SET SCHEMA legacy;

-- Ids of the new rows are derived from the legacy ids (an MD5 of a fixed prefix and the
-- id, read as a uuid): the same legacy row always gets the same uuid, so the steps need
-- no lookup table, verification can recompute them, and a rehearsal is reproducible.
-- The helpers are one-expression SQL functions that PostgreSQL inlines into the queries
-- (no call per row) as long as their declared volatility is honest: hence `::text`
-- (integer || text would be STABLE) and parse_time STABLE (text -> timestamptz is).
CREATE FUNCTION legacy.user_uuid(legacy_id integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT md5('learning-platform/user/' || legacy_id::text)::uuid $$;

CREATE FUNCTION legacy.course_uuid(legacy_id integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT md5('learning-platform/course/' || legacy_id::text)::uuid $$;

CREATE FUNCTION legacy.module_uuid(legacy_course_id integer, module_no integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT md5('learning-platform/module/' || legacy_course_id::text || '/' || module_no::text)::uuid $$;

CREATE FUNCTION legacy.content_uuid(legacy_id integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT md5('learning-platform/content/' || legacy_id::text)::uuid $$;

-- Legacy times are text without a zone ('2024-03-05 10:11:12.123456', written by servers
-- running in UTC) or ISO 8601 with 'Z'.  Both mean UTC, whatever the session's TimeZone.
CREATE FUNCTION legacy.parse_time(t text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN btrim(t) = '' THEN NULL
                WHEN btrim(t) ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN replace(btrim(t), 'Z', '+00')::timestamptz
                ELSE btrim(t)::timestamp AT TIME ZONE 'UTC' END
$$;

-- Numbers stored as text: '95.5', ' 1.25', '1.5x' (playback speeds), '' and NULL.
CREATE FUNCTION legacy.parse_number(t text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT nullif(rtrim(btrim(t), 'xX'), '')::numeric $$;

-- Video lengths: seconds ('342') or minutes:seconds ('5:42').
CREATE FUNCTION legacy.parse_duration(t text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN btrim(t) ~ '^[0-9]+:[0-9]{2}$'
                THEN split_part(btrim(t), ':', 1)::integer * 60 + split_part(btrim(t), ':', 2)::integer
                ELSE round(legacy.parse_number(t))::integer END
$$;

-- Booleans: 'true'/'false', 't'/'f', '1'/'0', 'Y'/'N', any case; anything else is NULL.
CREATE FUNCTION legacy.parse_bool(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE lower(btrim(t)) WHEN 'true' THEN true WHEN 't' THEN true WHEN '1' THEN true WHEN 'y' THEN true
                                WHEN 'false' THEN false WHEN 'f' THEN false WHEN '0' THEN false WHEN 'n' THEN false END
$$;

-- JSON kept in text columns; NULL when the text is not JSON.  PL/pgSQL for the exception
-- handler (pg_input_is_valid needs PostgreSQL 16).
CREATE FUNCTION legacy.try_jsonb(t text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN NULL;
END;
$$;

-- IP addresses as text ('10.1.2.3', '2001:db8::1', 'unknown'); NULL when not an address.
CREATE FUNCTION legacy.try_inet(t text) RETURNS inet
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN btrim(t)::inet;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN NULL;
END;
$$;

-- Legacy event names, in any case and with stray blanks, to the new interaction types.
-- NULL for a name not listed here: the NOT NULL column then fails the step, on purpose.
CREATE FUNCTION legacy.interaction_type(event_type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE lower(btrim(event_type))
        WHEN 'page_view' THEN 'view' WHEN 'course_view' THEN 'view' WHEN 'content_view' THEN 'view'
        WHEN 'quiz_start' THEN 'start'
        WHEN 'video_play' THEN 'play'
        WHEN 'video_pause' THEN 'pause'
        WHEN 'video_seek' THEN 'seek'
        WHEN 'video_progress' THEN 'progress' WHEN 'page_scroll' THEN 'progress'
        WHEN 'video_complete' THEN 'complete' WHEN 'content_complete' THEN 'complete'
        WHEN 'quiz_answer' THEN 'answer'
        WHEN 'quiz_submit' THEN 'submit'
        WHEN 'file_download' THEN 'download'
    END
$$;

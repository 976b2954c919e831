-- Rollback of the migration from the legacy schema to schema/ (docs/rollback-plan.md).
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f legacy/migration/rollback.sql
--
-- Takes the database back to the legacy state from any stage: the new tables and
-- functions are dropped, the legacy tables (in schema legacy during the migration, in
-- schema archive after data step 0009) move back to public with their rows, indexes and
-- sequences untouched, the migration's helpers and legacy.user_map are dropped, and the
-- migration's data steps are forgotten, so `schemadiff migrate` can run again later.
-- The migration never writes to a legacy table, so what comes back is what was there.
--
-- One statement (a DO block), so it is all or nothing.  It refuses to run when the new
-- tables hold rows that do not come from the legacy tables (written by the new application
-- after the switch-over): those rows exist nowhere else and would be lost.  To drop them
-- anyway (after exporting them), run `SET migration.rollback_force = 'on';` first in the
-- same session.

DO $rollback$
DECLARE
    home       text;     -- where the legacy tables are: public, legacy or archive
    force      boolean := coalesce(current_setting('migration.rollback_force', true), '') = 'on';
    new_rows   text;
    check_sql  text;
    what       text;
    n          bigint;
    f          regprocedure;
    legacy_tables CONSTANT text[] := ARRAY['users', 'user_sessions', 'user_interactions', 'interaction_details'];
    t          text;
BEGIN
    PERFORM set_config('lock_timeout', '10s', true);

    SELECT n.nspname INTO home
      FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
     WHERE c.relname = 'interaction_details' AND c.relkind = 'r' AND n.nspname IN ('public', 'legacy', 'archive')
     ORDER BY n.nspname = 'public' DESC
     LIMIT 1;
    IF home IS NULL THEN
        RAISE EXCEPTION 'rollback: the legacy tables are in none of public, legacy, archive';
    END IF;

    IF home = 'public' THEN
        RAISE NOTICE 'rollback: the legacy tables are in public: the migration has not started, nothing to undo';
    ELSE
        -- Rows the new application wrote would be lost: refuse unless forced.  Each check
        -- runs only when its tables exist (the migration may have stopped anywhere).
        FOR check_sql, what IN
            SELECT c.check_sql, c.what FROM (VALUES
                ('SELECT count(*) FROM public.user_interactions WHERE id > (SELECT coalesce(max(id), 0) FROM %1$I.user_interactions)',
                 'interaction(s)', 'public.user_interactions', NULL),
                ('SELECT count(*) FROM public.user_sessions WHERE id > (SELECT coalesce(max(session_id), 0) FROM %1$I.user_sessions)',
                 'session(s)', 'public.user_sessions', NULL),
                ('SELECT count(*) FROM public.users AS u WHERE NOT EXISTS (SELECT 1 FROM %1$I.user_map AS m WHERE m.user_id = u.id)',
                 'user(s)', 'public.users', 'user_map'),
                ('SELECT count(*) FROM public.courses WHERE NOT metadata ? ''legacy_course_id''',
                 'course(s)', 'public.courses', NULL)) AS c (check_sql, what, needs_new, needs_home)
             WHERE to_regclass(c.needs_new) IS NOT NULL
               AND (c.needs_home IS NULL OR to_regclass(format('%I.%I', home, c.needs_home)) IS NOT NULL)
        LOOP
            EXECUTE format(check_sql, home) INTO n;
            IF n > 0 THEN
                new_rows := concat_ws(', ', new_rows, n || ' ' || what);
            END IF;
        END LOOP;
        IF new_rows IS NOT NULL AND NOT force THEN
            RAISE EXCEPTION 'rollback: the new tables hold rows written after the switch-over (%), which the legacy tables do not have', new_rows
                USING HINT = 'Export them first; then SET migration.rollback_force = ''on'' in this session to roll back anyway.';
        END IF;

        -- The new schema (schema/): CASCADE takes the partitions, foreign keys and triggers along.
        DROP TABLE IF EXISTS public.aggregated_analytics, public.quiz_question_daily, public.content_engagement_metrics,
                             public.user_progress, public.video_interactions, public.quiz_interactions, public.user_interactions,
                             public.user_sessions, public.quiz_content, public.video_content, public.content_items,
                             public.course_modules, public.courses, public.users CASCADE;
        DROP FUNCTION IF EXISTS public.refresh_content_daily_metrics(date, date),
                                public.create_monthly_partitions(regclass, date, integer), public.set_updated_at();

        -- The legacy tables back where the legacy application looks for them.
        FOREACH t IN ARRAY legacy_tables LOOP
            EXECUTE format('ALTER TABLE %I.%I SET SCHEMA public', home, t);
        END LOOP;

        -- The migration's scaffolding.
        EXECUTE format('DROP TABLE IF EXISTS %I.user_map', home);
        FOR f IN SELECT p.oid::regprocedure
                   FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace
                  WHERE n.nspname = home
                    AND p.proname IN ('user_uuid', 'course_uuid', 'module_uuid', 'content_uuid', 'parse_time',
                                      'parse_number', 'parse_duration', 'parse_bool', 'try_jsonb', 'try_inet',
                                      'interaction_type') LOOP
            EXECUTE format('DROP FUNCTION %s', f);
        END LOOP;
        IF NOT EXISTS (SELECT 1 FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE n.nspname = home)
           AND NOT EXISTS (SELECT 1 FROM pg_proc AS p JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE n.nspname = home) THEN
            EXECUTE format('DROP SCHEMA %I', home);
        END IF;
    END IF;

    -- Forget the migration's data steps: `schemadiff migrate` would run them all again.
    IF to_regclass('schemadiff.data_steps') IS NOT NULL THEN
        DELETE FROM schemadiff.data_steps
         WHERE name IN ('0001_move_legacy_aside', '0002_users', '0003_catalog', '0004_sessions',
                        '0005_interaction_partitions', '0006_interactions', '0007_interaction_details',
                        '0008_analytics', '0009_archive_legacy');
    END IF;
    RAISE NOTICE 'rollback: done; the legacy tables are in public (they were in %)', home;
END;
$rollback$;

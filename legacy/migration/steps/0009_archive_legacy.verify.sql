-- the legacy tables are in schema archive, and schema legacy is gone
SELECT t AS table_not_archived
  FROM unnest(ARRAY['users', 'user_sessions', 'user_interactions', 'interaction_details', 'user_map']) AS t
 WHERE to_regclass('archive.' || t) IS NULL
UNION ALL
SELECT 'schema legacy still exists' FROM pg_namespace WHERE nspname = 'legacy';

-- every archived event, session and user is accounted for in the new tables
SELECT a.events AS archived_events, n.events AS new_events, a.sessions AS archived_sessions, n.sessions AS new_sessions,
       a.users AS archived_user_ids, n.users AS mapped_user_ids
  FROM (SELECT (SELECT count(*) FROM archive.user_interactions) AS events,
               (SELECT count(*) FROM archive.user_sessions) AS sessions,
               (SELECT count(DISTINCT user_id) FROM archive.user_map) AS users) AS a,
       (SELECT (SELECT count(*) FROM public.user_interactions WHERE id <= (SELECT max(id) FROM archive.user_interactions)) AS events,
               (SELECT count(*) FROM public.user_sessions WHERE id <= (SELECT max(session_id) FROM archive.user_sessions)) AS sessions,
               (SELECT count(*) FROM public.users AS u WHERE EXISTS (SELECT 1 FROM archive.user_map AS m WHERE m.user_id = u.id)) AS users) AS n
 WHERE (a.events, a.sessions, a.users) IS DISTINCT FROM (n.events, n.sessions, n.users);

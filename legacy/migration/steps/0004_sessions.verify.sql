SET LOCAL TIME ZONE 'UTC';

-- every legacy session is in user_sessions, with its user and start time, and nothing else is
SELECT l.session_id AS legacy_session_id, n.id AS new_session_id, l.started, n.started_at
  FROM legacy.user_sessions AS l
  LEFT JOIN legacy.user_map AS m ON m.legacy_id = l.user_id
  FULL JOIN public.user_sessions AS n ON n.id = l.session_id
 WHERE l.session_id IS NULL OR n.id IS NULL
    OR n.user_id IS DISTINCT FROM m.user_id
    OR n.started_at <> l.started AT TIME ZONE 'UTC';

-- end times are kept, or repaired and recorded in metadata
SELECT l.session_id, l.ended AS legacy_ended, n.ended_at, n.metadata
  FROM legacy.user_sessions AS l
  JOIN public.user_sessions AS n ON n.id = l.session_id
 WHERE n.ended_at IS DISTINCT FROM legacy.parse_time(l.ended)
   AND NOT (n.ended_at = n.started_at AND n.metadata ->> 'legacy_ended' = l.ended);

-- orphans: sessions of users that do not exist
SELECT s.id AS session_id, s.user_id
  FROM public.user_sessions AS s
 WHERE NOT EXISTS (SELECT 1 FROM public.users AS u WHERE u.id = s.user_id);

-- the identity sequence continues after the legacy ids
SELECT last_value AS sequence_value, (SELECT max(id) FROM public.user_sessions) AS max_id
  FROM pg_sequences
 WHERE format('%I.%I', schemaname, sequencename) = pg_get_serial_sequence('public.user_sessions', 'id')
   AND last_value < (SELECT max(id) FROM public.user_sessions);

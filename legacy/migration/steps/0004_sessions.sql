-- Sessions keep their legacy ids (the new identity column is overridden, then moved past
-- the highest id), so interactions keep pointing at them unchanged.  Values the new
-- checks refuse are repaired, and the legacy text is kept in metadata:
--   * an end time before the start time (client clocks) becomes the start time;
--   * an IP address that is not one ('unknown') becomes NULL.

SET LOCAL work_mem = '256MB';

INSERT INTO public.user_sessions (id, user_id, started_at, ended_at, device_info, ip_address, metadata)
OVERRIDING SYSTEM VALUE
SELECT s.session_id,
       m.user_id,
       s.started AT TIME ZONE 'UTC',
       greatest(legacy.parse_time(s.ended), s.started AT TIME ZONE 'UTC'),
       jsonb_strip_nulls(jsonb_build_object('user_agent', nullif(btrim(s.user_agent), ''),
                                            'device', lower(nullif(btrim(s.device), '')))),
       legacy.try_inet(s.ip),
       jsonb_strip_nulls(jsonb_build_object(
           'legacy_ended', CASE WHEN legacy.parse_time(s.ended) < s.started AT TIME ZONE 'UTC' THEN s.ended END,
           'legacy_ip', CASE WHEN s.ip IS NOT NULL AND legacy.try_inet(s.ip) IS NULL THEN s.ip END))
  FROM legacy.user_sessions AS s
  JOIN legacy.user_map AS m ON m.legacy_id = s.user_id;

SELECT setval(pg_get_serial_sequence('public.user_sessions', 'id'), (SELECT max(id) FROM public.user_sessions));

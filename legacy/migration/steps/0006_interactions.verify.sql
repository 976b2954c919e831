SET LOCAL TIME ZONE 'UTC';
SET LOCAL work_mem = '256MB';

-- every legacy event is in user_interactions with its time, session, type, course and content, and nothing else is
SELECT l.id AS legacy_id, n.id AS new_id, l.event_time, n.created_at, l.event_type, n.interaction_type
  FROM legacy.user_interactions AS l
  LEFT JOIN legacy.interaction_details AS d ON d.interaction_id = l.id
  FULL JOIN public.user_interactions AS n ON n.id = l.id
 WHERE l.id IS NULL OR n.id IS NULL
    OR n.created_at <> legacy.parse_time(l.event_time)
    OR n.session_id IS DISTINCT FROM l.session_id
    OR n.interaction_type <> legacy.interaction_type(l.event_type)
    OR n.course_id IS DISTINCT FROM legacy.course_uuid(d.course_id)
    OR n.content_id IS DISTINCT FROM legacy.content_uuid(d.content_id);

-- events per month (UTC) are equal
SELECT coalesce(l.month, n.month) AS month, l.events AS legacy_events, n.events AS new_events
  FROM (SELECT date_trunc('month', legacy.parse_time(event_time)) AS month, count(*) AS events
          FROM legacy.user_interactions GROUP BY 1) AS l
  FULL JOIN (SELECT date_trunc('month', created_at) AS month, count(*) AS events
               FROM public.user_interactions GROUP BY 1) AS n ON n.month = l.month
 WHERE l.events IS DISTINCT FROM n.events;

-- checksum per month of (id, time, session, legacy event name) is equal
SELECT coalesce(l.month, n.month) AS month, l.checksum AS legacy_checksum, n.checksum AS new_checksum
  FROM (SELECT date_trunc('month', legacy.parse_time(event_time)) AS month,
               sum(hashtextextended(id || '|' || legacy.parse_time(event_time) || '|' || session_id || '|'
                                    || lower(btrim(event_type)), 0)::numeric) AS checksum
          FROM legacy.user_interactions GROUP BY 1) AS l
  FULL JOIN (SELECT date_trunc('month', created_at) AS month,
                    sum(hashtextextended(id || '|' || created_at || '|' || session_id || '|'
                                         || (metadata ->> 'legacy_event'), 0)::numeric) AS checksum
               FROM public.user_interactions GROUP BY 1) AS n ON n.month = l.month
 WHERE l.checksum IS DISTINCT FROM n.checksum;

-- events per legacy event name and new type are equal
SELECT coalesce(l.legacy_event, n.legacy_event) AS legacy_event, l.events AS legacy_events, n.events AS new_events
  FROM (SELECT lower(btrim(event_type)) AS legacy_event, count(*) AS events
          FROM legacy.user_interactions GROUP BY 1) AS l
  FULL JOIN (SELECT metadata ->> 'legacy_event' AS legacy_event, count(*) AS events
               FROM public.user_interactions GROUP BY 1) AS n ON n.legacy_event = l.legacy_event
 WHERE l.events IS DISTINCT FROM n.events;

-- the user recorded on a legacy event is the user of its session
SELECT l.id AS legacy_id, l.user_id AS legacy_user_id, s.user_id AS session_user_id
  FROM legacy.user_interactions AS l
  JOIN legacy.user_map AS m ON m.legacy_id = l.user_id
  JOIN public.user_sessions AS s ON s.id = l.session_id
 WHERE s.user_id <> m.user_id;

-- orphans: events of missing sessions, courses or content items
SELECT n.id, n.created_at, n.session_id, n.course_id, n.content_id
  FROM public.user_interactions AS n
 WHERE NOT EXISTS (SELECT 1 FROM public.user_sessions AS s WHERE s.id = n.session_id)
    OR (n.course_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.courses AS c WHERE c.id = n.course_id))
    OR (n.content_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.content_items AS ci WHERE ci.id = n.content_id));

-- every migrated event is marked processed (the analytics of 0008 include it)
SELECT count(*) AS unprocessed_migrated_events
  FROM public.user_interactions
 WHERE NOT is_processed
HAVING count(*) > 0;

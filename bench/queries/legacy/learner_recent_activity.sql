-- A learner's recent activity: their last 50 interactions of the past 30 days, with the item
-- and course, newest first, on the legacy schema.
--
-- idx_interactions_user finds every event the learner ever had; the text times are compared
-- as text in "C" order (both formats start with the ISO date; the window starts at a UTC
-- midnight) and parsed for the ordering.  The item and course names are only in
-- interaction_details, which has no index on interaction_id: the 50 events are joined to it
-- by a scan of the whole table.
SELECT e.event_time                                   AS created_at,
       lower(btrim(e.event_type))                     AS interaction_type,
       d.course_name                                  AS course_title,
       d.content_name                                 AS content_title,
       d.content_type
  FROM (SELECT i.id, i.event_type, replace(rtrim(btrim(i.event_time), 'Z'), 'T', ' ')::timestamp AS event_time
          FROM user_interactions AS i
         WHERE i.user_id = :'learner_id'
           AND i.event_time COLLATE "C" >= :'window_start_date'
           AND i.event_time COLLATE "C" < :'now_date'
         ORDER BY 3 DESC
         LIMIT 50) AS e
  LEFT JOIN interaction_details AS d ON d.interaction_id = e.id
 ORDER BY e.event_time DESC;

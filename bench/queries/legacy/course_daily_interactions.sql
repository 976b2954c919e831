-- Interactions per course per day over the last full month, every course, on the legacy
-- schema: one row per course, with its days of activity and their counts as two arrays.  The
-- course of an event is only in interaction_details (no index on interaction_id), so the
-- month's events (a full scan of user_interactions, times compared as text) are joined to a
-- full scan of it; the day is the text time's first ten characters.
SELECT d.course_id,
       sum(d.interactions)::bigint                                AS interactions,
       array_agg(extract(day FROM d.day)::integer ORDER BY d.day) AS days,
       array_agg(d.interactions::integer ORDER BY d.day)          AS per_day
  FROM (SELECT d.course_id, left(i.event_time, 10)::date AS day, count(*) AS interactions
          FROM user_interactions AS i
          JOIN interaction_details AS d ON d.interaction_id = i.id
         WHERE i.event_time COLLATE "C" >= :'month_start_date'
           AND i.event_time COLLATE "C" < :'month_end_date'
         GROUP BY 1, 2) AS d
 GROUP BY d.course_id
 ORDER BY d.course_id;

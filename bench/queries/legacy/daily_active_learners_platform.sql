-- Daily active learners of the whole platform over the last full month, on the legacy
-- schema: events carry their learner (user_id), so no join; the text time is filtered and
-- cut to its day, in a full scan of user_interactions.
SELECT left(i.event_time, 10)::date    AS day,
       count(DISTINCT i.user_id)       AS active_learners
  FROM user_interactions AS i
 WHERE i.event_time COLLATE "C" >= :'month_start_date'
   AND i.event_time COLLATE "C" < :'month_end_date'
 GROUP BY 1
 ORDER BY 1;

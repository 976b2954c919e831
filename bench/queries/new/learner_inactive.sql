-- docs/queries/learner_inactive.sql, with now() pinned to the end of the generated data
-- (:'now'), the only change: the figures must not depend on the day the benchmark runs.
--
-- Served by user_progress_inactive_idx (partial, completion_percentage < 100): an index scan
-- in last_activity_at order that stops after 50 rows, with primary key lookups into users and
-- courses.
SELECT u.id                     AS user_id,
       u.email,
       u.full_name,
       c.id                     AS course_id,
       c.title                  AS course_title,
       up.completion_percentage,
       up.last_activity_at
  FROM user_progress AS up
  JOIN users AS u ON u.id = up.user_id
  JOIN courses AS c ON c.id = up.course_id
 WHERE up.completion_percentage < 100
   AND up.last_activity_at < :'now'::timestamptz - interval '7 days'
   AND c.status = 'published'
 ORDER BY up.last_activity_at
 LIMIT 50;

-- Learners with an incomplete course who have been inactive for 7 days or
-- more, longest inactive first: the re-engagement e-mail batch.
--
-- Served by user_progress_inactive_idx, a partial index on
-- user_progress (last_activity_at) WHERE completion_percentage < 100: the
-- plan reads the index in last_activity_at order, joins users and courses by
-- primary key, and stops after 50 rows.  Keep the predicate
-- "completion_percentage < 100" literally, or the planner cannot prove that
-- the partial index applies.
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
   AND up.last_activity_at < now() - interval '7 days'
   AND c.status = 'published'
 ORDER BY up.last_activity_at
 LIMIT 50;

-- A learner's recent activity: their last 50 interactions of the past 30 days, with the item
-- and course, newest first (the learner's home page).
--
-- user_sessions_user_id_started_at_idx finds the learner's sessions of the window and, per
-- session, user_interactions_session_id_created_at_idx reads its events on the partitions of
-- the window only (pruned at plan time to the two months the 30 days touch); the titles are
-- joined after the LIMIT, to the 50 rows shown only (content_items and courses by primary
-- key).  Sessions last less than a day, so sessions started a day before the window cover
-- every event in it.
--
-- The sessions are a MATERIALIZED CTE on purpose: planned on its own, their lookup is always
-- the index (a bitmap scan of a few hundred rows, cost ~2,400, against ~28,000 for a
-- sequential scan), and a CTE scan keeps the join out of parallel workers.  Written as one
-- join, the planner priced a parallel plan (a parallel sequential scan of the 1 million
-- sessions, the per-session index scans split over the workers) within 3 % of this one and
-- took it after some ANALYZE samples: 52-60 ms instead of 5 ms, measured on the same data.
WITH sessions AS MATERIALIZED (
    SELECT s.id
      FROM user_sessions AS s
     WHERE s.user_id = :'learner_id'
       AND s.started_at >= :'window_start'::timestamptz - interval '1 day'
)
SELECT r.created_at,
       r.interaction_type,
       c.title            AS course_title,
       ci.title           AS content_title,
       ci.content_type
  FROM (SELECT ui.created_at, ui.interaction_type, ui.content_id, ui.course_id
          FROM sessions AS s
          JOIN user_interactions AS ui ON ui.session_id = s.id
         WHERE ui.created_at >= :'window_start'
           AND ui.created_at < :'now'
         ORDER BY ui.created_at DESC
         LIMIT 50) AS r
  LEFT JOIN content_items AS ci ON ci.id = r.content_id
  LEFT JOIN courses AS c ON c.id = r.course_id
 ORDER BY r.created_at DESC;

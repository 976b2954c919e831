-- Reference, not a dashboard query: daily active learners of the whole platform over the last
-- full month, from the raw events (the rollup tables hold active learners per course, and
-- distinct learners do not add up across courses).
--
-- One partition of user_interactions (pruned at plan time), read in full, joined to
-- user_sessions for the learner.
SELECT (ui.created_at AT TIME ZONE 'UTC')::date AS day,
       count(DISTINCT s.user_id)                AS active_learners
  FROM user_interactions AS ui
  JOIN user_sessions AS s ON s.id = ui.session_id
 WHERE ui.created_at >= :'month_start'
   AND ui.created_at < :'month_end'
 GROUP BY 1
 ORDER BY 1;

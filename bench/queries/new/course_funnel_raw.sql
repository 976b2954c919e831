-- Reference, not a dashboard query: course_funnel computed from the raw events instead of the
-- rollup, to show what partitioning and the indexes alone give.
--
-- user_interactions_course_id_created_at_idx on the last full month's partition only (pruned
-- at plan time), items and modules by primary key, the learner through user_sessions_pkey.
SELECT cm.position + 1                                                         AS module,
       cm.title,
       count(DISTINCT s.user_id)                                               AS learners,
       count(DISTINCT s.user_id) FILTER (WHERE ui.interaction_type = 'complete') AS completers
  FROM user_interactions AS ui
  JOIN content_items AS ci ON ci.id = ui.content_id
  JOIN course_modules AS cm ON cm.id = ci.module_id
  JOIN user_sessions AS s ON s.id = ui.session_id
 WHERE ui.course_id = :'course_id'
   AND ui.created_at >= :'month_start'
   AND ui.created_at < :'month_end'
 GROUP BY cm.position, cm.title
 ORDER BY cm.position;

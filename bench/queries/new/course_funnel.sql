-- A course's completion funnel, per module, over the last full month: learners active in each
-- module, learners who completed at least one of its items, and both as a share of the first
-- module's learners (the instructor's course page).
--
-- Reads the monthly module rows of aggregated_analytics (entity_type 'module', metrics
-- active_learners and completers), written by the rollup job; the modules from
-- course_modules_course_id_position_key.  The best plan is one primary key probe per module
-- and metric; the planner, which underestimates the month's rows of one metric (entity type,
-- metric, granularity and period are correlated), reads all of them by an index-only scan of
-- aggregated_analytics_metric_period_idx instead (10,000 rows, about 2 ms).
SELECT cm.position + 1                                              AS module,
       cm.title,
       coalesce(l.metric_value, 0)::bigint                          AS learners,
       coalesce(k.metric_value, 0)::bigint                          AS completers,
       round(100 * coalesce(l.metric_value, 0)
                 / nullif(first_value(l.metric_value) OVER (ORDER BY cm.position), 0), 1) AS learners_pct,
       round(100 * coalesce(k.metric_value, 0)
                 / nullif(first_value(l.metric_value) OVER (ORDER BY cm.position), 0), 1) AS completers_pct
  FROM course_modules AS cm
  LEFT JOIN aggregated_analytics AS l
         ON (l.entity_type, l.entity_id, l.metric_name, l.granularity, l.period_start)
          = ('module', cm.id, 'active_learners', 'month', :'month_start'::timestamptz)
  LEFT JOIN aggregated_analytics AS k
         ON (k.entity_type, k.entity_id, k.metric_name, k.granularity, k.period_start)
          = ('module', cm.id, 'completers', 'month', :'month_start'::timestamptz)
 WHERE cm.course_id = :'course_id'
 ORDER BY cm.position;

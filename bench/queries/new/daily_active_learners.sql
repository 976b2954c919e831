-- Daily active learners of a course over the last full month (the course dashboard's chart):
-- one row per UTC day with activity.
--
-- Reads the daily active_learners rows of aggregated_analytics that the rollup job writes:
-- one range scan of aggregated_analytics_pkey (entity_type, entity_id, metric_name,
-- granularity, period_start), the documented dashboard-series shape.
SELECT aa.period_start::date         AS day,
       aa.metric_value::bigint       AS active_learners
  FROM aggregated_analytics AS aa
 WHERE aa.entity_type = 'course'
   AND aa.entity_id = :'course_id'
   AND aa.metric_name = 'active_learners'
   AND aa.granularity = 'day'
   AND aa.period_start >= :'month_start'
   AND aa.period_start < :'month_end'
 ORDER BY aa.period_start;

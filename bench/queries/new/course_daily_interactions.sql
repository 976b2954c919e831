-- Interactions per course per day over the last full month, every course (the
-- administrators' activity heat map): one row per course, with its days of activity (day of
-- the month) and their interaction counts as two arrays in day order.  (One row per course
-- and day would be 40,000 rows to ship and decode, which costs more than computing them; a
-- JSON object per course costs twice as much to build as the arrays.)
--
-- Reads the daily interactions rows of aggregated_analytics with an index-only scan of
-- aggregated_analytics_metric_period_idx (entity_type, metric_name, granularity, period_start)
-- INCLUDE (entity_id, metric_value): the month's 42,000 rows in period order, then a sort by
-- course.  (The primary key leads with entity_id: it could only serve this with a skip scan,
-- one descent per course.)
SELECT aa.entity_id                                                                AS course_id,
       sum(aa.metric_value)::bigint                                               AS interactions,
       array_agg(extract(day FROM aa.period_start)::integer ORDER BY aa.period_start) AS days,
       array_agg(aa.metric_value::integer ORDER BY aa.period_start)                AS per_day
  FROM aggregated_analytics AS aa
 WHERE aa.entity_type = 'course'
   AND aa.metric_name = 'interactions'
   AND aa.granularity = 'day'
   AND aa.period_start >= :'month_start'
   AND aa.period_start < :'month_end'
 GROUP BY aa.entity_id
 ORDER BY aa.entity_id;

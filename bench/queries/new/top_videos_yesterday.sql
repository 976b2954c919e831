-- docs/queries/top_videos_yesterday.sql, with now() pinned to the end of the generated data
-- (:'now'), the only change.
--
-- Served by content_engagement_metrics_top_daily_idx (metric_date, engagement_score DESC,
-- content_id) WHERE views > 10: yesterday's entries read already ranked, primary key lookups
-- into content_items (videos kept), course_modules and courses, stop after 20.
SELECT ci.id               AS content_id,
       ci.title,
       c.id                AS course_id,
       c.title             AS course_title,
       cem.views,
       cem.completions,
       cem.engagement_score
  FROM content_engagement_metrics AS cem
  JOIN content_items AS ci ON ci.id = cem.content_id
  JOIN course_modules AS cm ON cm.id = ci.module_id
  JOIN courses AS c ON c.id = cm.course_id
 WHERE cem.metric_date = (:'now'::timestamptz AT TIME ZONE 'UTC')::date - 1
   AND cem.views > 10
   AND ci.content_type = 'video'
 ORDER BY cem.engagement_score DESC, cem.content_id
 LIMIT 20;

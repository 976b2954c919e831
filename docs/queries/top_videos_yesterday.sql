-- Yesterday's (UTC) most engaging videos with more than 10 views, top 20 by
-- engagement score, with their course: the "trending" dashboard tile.
--
-- Served by content_engagement_metrics_top_daily_idx, a partial index on
-- content_engagement_metrics (metric_date, engagement_score DESC, content_id)
-- WHERE views > 10: the plan reads yesterday's entries already in ranking
-- order, joins content_items (keeping videos), course_modules and courses by
-- primary key, and stops after 20 rows.  content_id breaks ties so the order
-- is stable.  A threshold above 10 (views > 50) can still use the index; a
-- lower one cannot.
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
 WHERE cem.metric_date = (now() AT TIME ZONE 'UTC')::date - 1
   AND cem.views > 10
   AND ci.content_type = 'video'
 ORDER BY cem.engagement_score DESC, cem.content_id
 LIMIT 20;

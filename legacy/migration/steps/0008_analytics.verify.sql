SET LOCAL TIME ZONE 'UTC';
SET LOCAL work_mem = '256MB';

-- one user_progress row per learner and course with activity, and no other
SELECT coalesce(a.user_id, p.user_id) AS user_id, coalesce(a.course_id, p.course_id) AS course_id,
       a.user_id IS NOT NULL AS has_activity, p.user_id IS NOT NULL AS has_progress
  FROM (SELECT DISTINCT s.user_id, ui.course_id
          FROM public.user_interactions AS ui
          JOIN public.user_sessions AS s ON s.id = ui.session_id
         WHERE ui.course_id IS NOT NULL) AS a
  FULL JOIN public.user_progress AS p ON p.user_id = a.user_id AND p.course_id = a.course_id
 WHERE a.user_id IS NULL OR p.user_id IS NULL;

-- views and completions in content_engagement_metrics add up to the events
SELECT e.views AS events_viewed, m.views AS metric_views, e.completions AS events_completed, m.completions AS metric_completions
  FROM (SELECT count(*) FILTER (WHERE interaction_type IN ('view', 'start', 'play')) AS views,
               count(*) FILTER (WHERE interaction_type = 'complete') AS completions
          FROM public.user_interactions WHERE content_id IS NOT NULL AND course_id IS NOT NULL) AS e,
       (SELECT sum(views) AS views, sum(completions) AS completions FROM public.content_engagement_metrics) AS m
 WHERE (e.views, e.completions) IS DISTINCT FROM (m.views, m.completions);

-- daily and monthly course interaction counts add up to the events, per month
SELECT coalesce(e.month, d.month) AS month, e.events, d.daily_sum, mo.monthly
  FROM (SELECT date_trunc('month', created_at) AS month, count(*) AS events
          FROM public.user_interactions WHERE course_id IS NOT NULL GROUP BY 1) AS e
  FULL JOIN (SELECT date_trunc('month', period_start) AS month, sum(metric_value) AS daily_sum
               FROM public.aggregated_analytics
              WHERE metric_name = 'interactions' AND granularity = 'day' GROUP BY 1) AS d ON d.month = e.month
  LEFT JOIN (SELECT period_start AS month, sum(metric_value) AS monthly
               FROM public.aggregated_analytics
              WHERE metric_name = 'interactions' AND granularity = 'month' GROUP BY 1) AS mo ON mo.month = coalesce(e.month, d.month)
 WHERE e.events IS DISTINCT FROM d.daily_sum OR e.events IS DISTINCT FROM mo.monthly;

-- the time learners spent adds up: user_progress totals equal the seconds watched and answering
SELECT p.total AS progress_seconds, e.total AS event_seconds
  FROM (SELECT sum(time_spent_seconds) AS total FROM public.user_progress) AS p,
       (SELECT round(sum(s)) AS total
          FROM (SELECT s.user_id, ui.course_id,
                       sum(coalesce(v.watched_seconds, 0) + coalesce(q.time_taken_seconds, 0)) AS s
                  FROM public.user_interactions AS ui
                  JOIN public.user_sessions AS s ON s.id = ui.session_id
                  LEFT JOIN public.video_interactions AS v
                         ON v.interaction_id = ui.id AND v.interaction_created_at = ui.created_at
                  LEFT JOIN public.quiz_interactions AS q
                         ON q.interaction_id = ui.id AND q.interaction_created_at = ui.created_at
                 WHERE ui.course_id IS NOT NULL
                 GROUP BY 1, 2) AS per_pair) AS e
 WHERE abs(p.total - e.total) > (SELECT count(*) FROM public.user_progress);  -- per-row rounding only

-- orphans: analytics of users, courses or items that do not exist
SELECT 'user_progress' AS tbl, p.user_id::text AS id1, p.course_id::text AS id2
  FROM public.user_progress AS p
 WHERE NOT EXISTS (SELECT 1 FROM public.users AS u WHERE u.id = p.user_id)
    OR NOT EXISTS (SELECT 1 FROM public.courses AS c WHERE c.id = p.course_id)
UNION ALL
SELECT 'content_engagement_metrics', m.content_id::text, m.metric_date::text
  FROM public.content_engagement_metrics AS m
 WHERE NOT EXISTS (SELECT 1 FROM public.content_items AS ci WHERE ci.id = m.content_id);

-- Analytics, computed from the migrated interactions (not copied: the legacy database has
-- none), with the definitions the rollup jobs use (docs/schema-design.md):
--   user_progress               per learner and course with activity;
--   content_engagement_metrics  per content item and UTC day with activity;
--   aggregated_analytics        per course: active_learners, interactions, completions and
--                               watch_seconds, per UTC day and per UTC month.
-- "Time spent" is what the events measure: video seconds watched plus quiz answering time.

SET LOCAL work_mem = '256MB';
SET LOCAL TIME ZONE 'UTC';

-- One row per event with what every analytic needs.
CREATE TEMP TABLE facts ON COMMIT DROP AS
SELECT ui.id, ui.created_at, ui.interaction_type, ui.course_id, ui.content_id, s.user_id,
       coalesce(v.watched_seconds, 0) + coalesce(q.time_taken_seconds, 0) AS seconds,
       q.score, q.is_correct,
       ci.is_required AND cm.course_id = ui.course_id AS counts_for_course
  FROM public.user_interactions AS ui
  JOIN public.user_sessions AS s ON s.id = ui.session_id
  LEFT JOIN public.video_interactions AS v ON v.interaction_id = ui.id AND v.interaction_created_at = ui.created_at
  LEFT JOIN public.quiz_interactions AS q ON q.interaction_id = ui.id AND q.interaction_created_at = ui.created_at
  LEFT JOIN public.content_items AS ci ON ci.id = ui.content_id
  LEFT JOIN public.course_modules AS cm ON cm.id = ci.module_id
 WHERE ui.course_id IS NOT NULL;
ANALYZE facts;

INSERT INTO public.user_progress (user_id, course_id, completed_items, total_items, last_activity_at,
                                  time_spent_seconds, average_score, created_at, updated_at)
SELECT f.user_id, f.course_id,
       count(DISTINCT f.content_id) FILTER (WHERE f.interaction_type = 'complete' AND f.counts_for_course),
       coalesce(t.items, 0),
       max(f.created_at),
       round(sum(f.seconds))::bigint,
       round(avg(f.score), 2),
       min(f.created_at),
       max(f.created_at)
  FROM facts AS f
  LEFT JOIN (SELECT cm.course_id, count(*) FILTER (WHERE ci.is_required) AS items
               FROM public.content_items AS ci
               JOIN public.course_modules AS cm ON cm.id = ci.module_id
              GROUP BY cm.course_id) AS t ON t.course_id = f.course_id
 GROUP BY f.user_id, f.course_id, t.items;

-- engagement_score (0 to 100) = 50 x completion rate (completions per learner, at most 1)
--   + 30 x time ratio (mean time per learner over the item's length, at most 1; 10 minutes
--   when the length is unknown) + 20 x repeat rate (share of views beyond the first per learner).
INSERT INTO public.content_engagement_metrics (content_id, metric_date, views, completions, average_time_seconds,
                                               average_score, difficulty, engagement_score)
SELECT d.content_id, d.metric_date, d.views, d.completions, round(d.seconds / d.learners, 2), round(d.score, 2),
       round(d.wrong, 3),
       round(50 * least(1, d.completions::numeric / d.learners)
             + 30 * least(1, d.seconds / d.learners / coalesce(nullif(d.length, 0), 600))
             + 20 * greatest(0, (d.views - d.learners)::numeric / greatest(d.views, 1)), 2)
  FROM (SELECT f.content_id, (f.created_at AT TIME ZONE 'UTC')::date AS metric_date,
               count(*) FILTER (WHERE f.interaction_type IN ('view', 'start', 'play')) AS views,
               count(*) FILTER (WHERE f.interaction_type = 'complete') AS completions,
               count(DISTINCT f.user_id) AS learners,
               sum(f.seconds) AS seconds,
               avg(f.score) AS score,
               avg(CASE WHEN f.is_correct THEN 0 WHEN NOT f.is_correct THEN 1 END) AS wrong,
               max(coalesce(vc.duration_seconds, ci.estimated_duration_seconds)) AS length
          FROM facts AS f
          JOIN public.content_items AS ci ON ci.id = f.content_id
          LEFT JOIN public.video_content AS vc ON vc.content_id = f.content_id
         GROUP BY 1, 2) AS d;

INSERT INTO public.aggregated_analytics (entity_type, entity_id, metric_name, granularity, period_start, period_end,
                                         metric_value)
SELECT 'course', a.course_id, m.metric_name, a.granularity, a.period_start,
       a.period_start + CASE a.granularity WHEN 'day' THEN interval '1 day' ELSE interval '1 month' END,
       m.metric_value
  FROM (SELECT course_id,
               CASE WHEN GROUPING(day) = 0 THEN 'day' ELSE 'month' END AS granularity,
               coalesce(day, month) AS period_start,
               count(DISTINCT user_id) AS active_learners,
               count(*) AS interactions,
               count(*) FILTER (WHERE interaction_type = 'complete') AS completions,
               sum(seconds) AS watch_seconds
          FROM (SELECT course_id, user_id, interaction_type, seconds,
                       date_trunc('day', created_at) AS day, date_trunc('month', created_at) AS month
                  FROM facts) AS f
         GROUP BY GROUPING SETS ((course_id, day), (course_id, month))) AS a
  CROSS JOIN LATERAL (VALUES ('active_learners', a.active_learners::numeric),
                             ('interactions', a.interactions::numeric),
                             ('completions', a.completions::numeric),
                             ('watch_seconds', a.watch_seconds)) AS m (metric_name, metric_value);

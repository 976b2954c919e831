-- Yesterday's (UTC) most engaging videos with more than 10 views, top 20 by engagement score
-- (docs/queries/top_videos_yesterday.sql), on the legacy schema.
--
-- No metrics table: yesterday's events are aggregated on the fly, with the engagement score
-- of the nightly job (data step 0008: 50 x completion rate + 30 x time ratio + 20 x repeat
-- rate).  event_time is text with no index: both formats start with the ISO date, so a LIKE
-- prefix finds yesterday, in a full scan of user_interactions; the details of those events
-- come from a full scan of interaction_details (no index on interaction_id).
SELECT content_id,
       content_name                                         AS title,
       course_id,
       course_name                                          AS course_title,
       views,
       completions,
       round(50 * least(1, completions::numeric / learners)
             + 30 * least(1, seconds / learners / coalesce(nullif(length, 0), 600))
             + 20 * greatest(0, (views - learners)::numeric / greatest(views, 1)), 2) AS engagement_score
  FROM (SELECT d.content_id,
               max(d.content_name) AS content_name,
               max(d.course_id) AS course_id,
               max(d.course_name) AS course_name,
               count(*) FILTER (WHERE lower(btrim(i.event_type)) IN ('content_view', 'quiz_start', 'video_play')) AS views,
               count(*) FILTER (WHERE lower(btrim(i.event_type)) IN ('video_complete', 'content_complete')) AS completions,
               count(DISTINCT i.user_id) AS learners,
               coalesce(sum((d.extra ->> 'watched')::numeric), 0) AS seconds,
               max(CASE WHEN d.video_length LIKE '%:%'
                        THEN split_part(d.video_length, ':', 1)::integer * 60 + split_part(d.video_length, ':', 2)::integer
                        ELSE d.video_length::integer END) AS length
          FROM user_interactions AS i
          JOIN interaction_details AS d ON d.interaction_id = i.id
         WHERE i.event_time LIKE :'yesterday' || '%'
           AND d.content_type = 'video'
         GROUP BY d.content_id) AS v
 WHERE views > 10
 ORDER BY engagement_score DESC, content_id
 LIMIT 20;

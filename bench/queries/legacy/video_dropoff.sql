-- A video's drop-off over the last 30 days, on the legacy schema: for each tenth of the
-- video, how many viewing sessions got that far.
--
-- The course of the video is given too (the application knows it), for idx_details_course,
-- the only index of interaction_details; for a popular course the planner still reads the
-- whole table (8 % of the rows, on nearly every page) and keeps the video's rows with a
-- position, each joined to its event by primary key for the session and the text time;
-- positions and lengths ('5:42' or '342') are text, parsed.
WITH furthest AS (
    SELECT i.session_id,
           max(d.video_position::numeric) AS position,
           max(CASE WHEN d.video_length LIKE '%:%'
                    THEN split_part(d.video_length, ':', 1)::integer * 60 + split_part(d.video_length, ':', 2)::integer
                    ELSE d.video_length::integer END) AS length
      FROM interaction_details AS d
      JOIN user_interactions AS i ON i.id = d.interaction_id
     WHERE d.course_id = :'course_of_video'
       AND d.content_id = :'video_id'
       AND d.video_position IS NOT NULL
       AND i.event_time COLLATE "C" >= :'window_start_date'
       AND i.event_time COLLATE "C" < :'now_date'
     GROUP BY i.session_id
), tenths AS (
    SELECT least(10, floor(10 * position / length))::integer AS tenth, count(*) AS sessions
      FROM furthest
     GROUP BY 1
)
SELECT g.tenth * 10                                                   AS percent_of_video,
       coalesce(sum(t.sessions) FILTER (WHERE t.tenth >= g.tenth), 0) AS sessions_reaching,
       round(100.0 * coalesce(sum(t.sessions) FILTER (WHERE t.tenth >= g.tenth), 0)
                   / nullif(sum(t.sessions), 0), 1)                  AS percent_of_sessions
  FROM generate_series(0, 10) AS g (tenth)
  CROSS JOIN tenths AS t
 GROUP BY g.tenth
 ORDER BY g.tenth;

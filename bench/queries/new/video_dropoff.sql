-- A video's drop-off over the last 30 days: for each tenth of the video, how many viewing
-- sessions got that far (the furthest playhead position of the session), the author's
-- retention curve.
--
-- user_interactions_content_id_created_at_idx on the two partitions the window touches
-- (pruned at plan time), each event's player details by video_interactions_pkey.
WITH furthest AS (
    SELECT ui.session_id, max(vi.position_seconds) AS position
      FROM user_interactions AS ui
      JOIN video_interactions AS vi
        ON vi.interaction_id = ui.id AND vi.interaction_created_at = ui.created_at
     WHERE ui.content_id = :'video_id'
       AND ui.created_at >= :'window_start'
       AND ui.created_at < :'now'
     GROUP BY ui.session_id
), tenths AS (
    SELECT least(10, floor(10 * f.position / vc.duration_seconds))::integer AS tenth, count(*) AS sessions
      FROM furthest AS f
      JOIN video_content AS vc ON vc.content_id = :'video_id'
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

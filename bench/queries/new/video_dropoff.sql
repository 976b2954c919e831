-- A video's drop-off over the last 30 days: for each tenth of the video, how many viewing
-- sessions got that far (the furthest playhead position of the session), the author's
-- retention curve.
--
-- Reads the video's 30 daily rows of content_engagement_metrics (one range scan of
-- content_engagement_metrics_pkey) and sums their sessions_reaching arrays, which the nightly
-- rollup (refresh_content_daily_metrics) computes from the player events.  Sessions are counted
-- per UTC day: one that crosses midnight counts on both days (about 0.1 % more than counting
-- over the whole window, as the legacy query does).
SELECT (r.k - 1) * 10                                                                     AS percent_of_video,
       sum(r.sessions)                                                                    AS sessions_reaching,
       round(100.0 * sum(r.sessions) / nullif(first_value(sum(r.sessions)) OVER (ORDER BY r.k), 0), 1)
                                                                                          AS percent_of_sessions
  FROM content_engagement_metrics AS cem
 CROSS JOIN LATERAL unnest(cem.sessions_reaching) WITH ORDINALITY AS r (sessions, k)
 WHERE cem.content_id = :'video_id'
   AND cem.metric_date >= :'window_start'::date
   AND cem.metric_date < :'now'::date
 GROUP BY r.k
 ORDER BY r.k;

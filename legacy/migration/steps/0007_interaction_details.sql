-- Player and quiz details, from the denormalized interaction_details rows into the typed
-- 1:1 tables.  Legacy text becomes typed values:
--   video_position '949.5' -> position_seconds; extra.watched -> watched_seconds;
--   playback_speed '1.5x' -> 1.5 (missing: 1); quality 'HD'/'SD'/'Auto' -> '720p'/'480p'/'auto';
--   extra.fullscreen -> is_fullscreen (missing: false);
--   answer: JSON when it is JSON ('["a", "c"]'), else the text as a JSON string ('b' -> "b");
--   is_correct 'true'/'t'/'1' -> true, 'false'/'f'/'0' -> false (NULL for surveys);
--   score '50.0' -> 50.00; time_spent -> time_taken_seconds (missing: 0); attempt (missing: 1).
-- Times come from the event (0006 copied them), so each row points at its interaction.

SET LOCAL work_mem = '256MB';

INSERT INTO public.video_interactions (interaction_id, interaction_created_at, position_seconds, watched_seconds,
                                       playback_rate, quality, is_fullscreen)
SELECT i.id,
       legacy.parse_time(i.event_time),
       legacy.parse_number(d.video_position),
       coalesce(legacy.parse_number(d.extra ->> 'watched'), 0),
       coalesce(legacy.parse_number(d.playback_speed), 1),
       CASE lower(btrim(d.quality)) WHEN 'hd' THEN '720p' WHEN 'sd' THEN '480p' WHEN 'fhd' THEN '1080p'
                                    ELSE lower(btrim(d.quality)) END,
       coalesce((d.extra ->> 'fullscreen')::boolean, false)
  FROM legacy.interaction_details AS d
  JOIN legacy.user_interactions AS i ON i.id = d.interaction_id
 WHERE lower(btrim(d.content_type)) = 'video'
   AND d.video_position IS NOT NULL
   AND legacy.interaction_type(i.event_type) IN ('play', 'pause', 'seek', 'progress', 'complete');

INSERT INTO public.quiz_interactions (interaction_id, interaction_created_at, question_id, user_answer, is_correct,
                                      time_taken_seconds, attempt_number, score)
SELECT i.id,
       legacy.parse_time(i.event_time),
       btrim(d.question_id),
       coalesce(legacy.try_jsonb(d.answer), to_jsonb(d.answer), 'null'),
       legacy.parse_bool(d.is_correct),
       coalesce(legacy.parse_number(d.time_spent), 0),
       coalesce(d.attempt, 1),
       legacy.parse_number(d.score)
  FROM legacy.interaction_details AS d
  JOIN legacy.user_interactions AS i ON i.id = d.interaction_id
 WHERE d.question_id IS NOT NULL
   AND legacy.interaction_type(i.event_type) = 'answer';

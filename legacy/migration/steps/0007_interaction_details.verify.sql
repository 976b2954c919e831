SET LOCAL work_mem = '256MB';

-- every legacy video event with a position has its video_interactions row, and nothing else has one
SELECT coalesce(l.id, n.interaction_id) AS interaction_id, l.video_position, n.position_seconds
  FROM (SELECT i.id, d.video_position
          FROM legacy.interaction_details AS d
          JOIN legacy.user_interactions AS i ON i.id = d.interaction_id
         WHERE lower(btrim(d.content_type)) = 'video' AND d.video_position IS NOT NULL
           AND legacy.interaction_type(i.event_type) IN ('play', 'pause', 'seek', 'progress', 'complete')) AS l
  FULL JOIN public.video_interactions AS n ON n.interaction_id = l.id
 WHERE l.id IS NULL OR n.interaction_id IS NULL OR n.position_seconds <> legacy.parse_number(l.video_position);

-- sums of the moved video values are equal
SELECT l.positions AS legacy_positions, n.positions AS new_positions, l.watched AS legacy_watched, n.watched AS new_watched
  FROM (SELECT sum(legacy.parse_number(d.video_position)) AS positions,
               sum(coalesce(legacy.parse_number(d.extra ->> 'watched'), 0)) AS watched
          FROM legacy.interaction_details AS d
          JOIN legacy.user_interactions AS i ON i.id = d.interaction_id
         WHERE lower(btrim(d.content_type)) = 'video' AND d.video_position IS NOT NULL
           AND legacy.interaction_type(i.event_type) IN ('play', 'pause', 'seek', 'progress', 'complete')) AS l,
       (SELECT sum(position_seconds) AS positions, sum(watched_seconds) AS watched FROM public.video_interactions) AS n
 WHERE l.positions IS DISTINCT FROM n.positions OR l.watched IS DISTINCT FROM n.watched;

-- every legacy quiz answer has its quiz_interactions row; answers, scores and correctness are equal
SELECT l.answers AS legacy_answers, n.answers AS new_answers, l.score AS legacy_score_sum, n.score AS new_score_sum,
       l.correct AS legacy_correct, n.correct AS new_correct
  FROM (SELECT count(*) AS answers, sum(legacy.parse_number(d.score)) AS score,
               count(*) FILTER (WHERE legacy.parse_bool(d.is_correct)) AS correct
          FROM legacy.interaction_details AS d
          JOIN legacy.user_interactions AS i ON i.id = d.interaction_id
         WHERE d.question_id IS NOT NULL AND legacy.interaction_type(i.event_type) = 'answer') AS l,
       (SELECT count(*) AS answers, sum(score) AS score, count(*) FILTER (WHERE is_correct) AS correct
          FROM public.quiz_interactions) AS n
 WHERE (l.answers, l.score, l.correct) IS DISTINCT FROM (n.answers, n.score, n.correct);

-- orphans: details without their interaction
SELECT 'video' AS kind, v.interaction_id, v.interaction_created_at
  FROM public.video_interactions AS v
 WHERE NOT EXISTS (SELECT 1 FROM public.user_interactions AS ui
                    WHERE ui.id = v.interaction_id AND ui.created_at = v.interaction_created_at)
UNION ALL
SELECT 'quiz', q.interaction_id, q.interaction_created_at
  FROM public.quiz_interactions AS q
 WHERE NOT EXISTS (SELECT 1 FROM public.user_interactions AS ui
                    WHERE ui.id = q.interaction_id AND ui.created_at = q.interaction_created_at);

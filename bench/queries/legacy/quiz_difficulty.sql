-- A quiz's item difficulty over the last 30 days, per question, hardest first, on the legacy
-- schema.
--
-- The course of the quiz is given too, for idx_details_course; for a popular course the
-- planner still reads the whole of interaction_details and keeps the quiz's answers, each
-- joined to its event by primary key for the text time; correctness ('t', '1', 'true', ...),
-- scores and times are text, parsed.
SELECT btrim(d.question_id)                                                     AS question_id,
       count(*)                                                                  AS answers,
       round(100.0 * count(*) FILTER (WHERE lower(btrim(d.is_correct)) IN ('true', 't', '1', 'y'))
             / nullif(count(*) FILTER (WHERE lower(btrim(d.is_correct)) IN ('true', 't', '1', 'y', 'false', 'f', '0', 'n')), 0), 1)
                                                                                 AS percent_correct,
       round(avg(nullif(btrim(d.time_spent), '')::numeric), 1)                   AS mean_seconds,
       round(avg(nullif(btrim(d.score), '')::numeric), 1)                        AS mean_score
  FROM interaction_details AS d
  JOIN user_interactions AS i ON i.id = d.interaction_id
 WHERE d.course_id = :'course_of_quiz'
   AND d.content_id = :'quiz_id'
   AND d.question_id IS NOT NULL
   AND i.event_time COLLATE "C" >= :'window_start_date'
   AND i.event_time COLLATE "C" < :'now_date'
 GROUP BY 1
 ORDER BY percent_correct NULLS LAST, 1;

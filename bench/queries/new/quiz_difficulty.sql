-- A quiz's item difficulty over the last 30 days: per question, answers, share answered
-- correctly, mean time and score, hardest first (the author's quiz report).
--
-- user_interactions_content_id_created_at_idx on the two partitions the window touches
-- (pruned at plan time), each answer's details by quiz_interactions_pkey.
SELECT qi.question_id,
       count(*)                                                                  AS answers,
       round(100.0 * count(*) FILTER (WHERE qi.is_correct) / nullif(count(qi.is_correct), 0), 1) AS percent_correct,
       round(avg(qi.time_taken_seconds), 1)                                      AS mean_seconds,
       round(avg(qi.score), 1)                                                   AS mean_score
  FROM user_interactions AS ui
  JOIN quiz_interactions AS qi ON qi.interaction_id = ui.id AND qi.interaction_created_at = ui.created_at
 WHERE ui.content_id = :'quiz_id'
   AND ui.interaction_type = 'answer'
   AND ui.created_at >= :'window_start'
   AND ui.created_at < :'now'
 GROUP BY qi.question_id
 ORDER BY percent_correct NULLS LAST, qi.question_id;

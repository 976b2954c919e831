-- A quiz's item difficulty over the last 30 days: per question, answers, share answered
-- correctly, mean time and score, hardest first (the author's quiz report).
--
-- Reads the quiz's rows of quiz_question_daily for the 30 days (one range scan of
-- quiz_question_daily_pkey, a few hundred rows), which the nightly rollup
-- (refresh_content_daily_metrics) computes from the answers: sums and counts, so the
-- figures are exactly those of the answers themselves.
SELECT q.question_id,
       sum(q.answers)                                                          AS answers,
       round(100.0 * sum(q.correct) / nullif(sum(q.graded), 0), 1)             AS percent_correct,
       round(sum(q.time_taken_seconds) / sum(q.answers), 1)                    AS mean_seconds,
       round(sum(q.score_sum) / nullif(sum(q.scored), 0), 1)                   AS mean_score
  FROM quiz_question_daily AS q
 WHERE q.content_id = :'quiz_id'
   AND q.metric_date >= :'window_start'::date
   AND q.metric_date < :'now'::date
 GROUP BY q.question_id
 ORDER BY percent_correct NULLS LAST, q.question_id;

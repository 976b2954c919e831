-- Daily active learners of a course over the last full month, on the legacy schema.
--
-- The course filter could use idx_details_course, but the popular course's rows (8 %, every
-- month) are on nearly every page: both tables are read in full and hash-joined for the
-- learner and the text time; the day is the text's first ten characters.
SELECT left(i.event_time, 10)::date    AS day,
       count(DISTINCT i.user_id)       AS active_learners
  FROM interaction_details AS d
  JOIN user_interactions AS i ON i.id = d.interaction_id
 WHERE d.course_id = :'course_id'
   AND i.event_time COLLATE "C" >= :'month_start_date'
   AND i.event_time COLLATE "C" < :'month_end_date'
 GROUP BY 1
 ORDER BY 1;

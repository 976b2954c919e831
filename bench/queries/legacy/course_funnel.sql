-- A course's completion funnel, per module, over the last full month, on the legacy schema:
-- learners active in each module and learners who completed at least one of its items.
--
-- The course filter could use idx_details_course (the only index of interaction_details), but
-- the popular course has 8 % of the rows, on nearly every page, and every month of them (the
-- time is in user_interactions): the plan reads interaction_details in full and hash-joins
-- user_interactions (read in full too) for the text time and the event name.
SELECT m.module_no                                                   AS module,
       m.module_name                                                 AS title,
       m.learners,
       m.completers,
       round(100.0 * m.learners / nullif(first_value(m.learners) OVER (ORDER BY m.module_no), 0), 1)   AS learners_pct,
       round(100.0 * m.completers / nullif(first_value(m.learners) OVER (ORDER BY m.module_no), 0), 1) AS completers_pct
  FROM (SELECT d.module_no,
               max(d.module_name) AS module_name,
               count(DISTINCT i.user_id) AS learners,
               count(DISTINCT i.user_id) FILTER (WHERE lower(btrim(i.event_type)) IN ('video_complete', 'content_complete'))
                 AS completers
          FROM interaction_details AS d
          JOIN user_interactions AS i ON i.id = d.interaction_id
         WHERE d.course_id = :'course_id'
           AND d.module_no IS NOT NULL
           AND i.event_time COLLATE "C" >= :'month_start_date'
           AND i.event_time COLLATE "C" < :'month_end_date'
         GROUP BY d.module_no) AS m
 ORDER BY m.module_no;

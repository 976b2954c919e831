-- Learners with an incomplete course, inactive for 7 days or more, longest inactive first
-- (docs/queries/learner_inactive.sql), on the legacy schema.
--
-- The legacy database keeps no progress: it is recomputed from every event.  A course's
-- required items are the distinct items seen in interaction_details, except attachments (pdf)
-- and practice quizzes and surveys (data step 0003's rule); completed items are those with a
-- *_complete event; event times are text in two formats, parsed.  There is no course status
-- either, so archived courses are not filtered out.  Plan: interaction_details joined to
-- user_interactions (no index on interaction_id: hash join of both tables in full), grouped
-- per learner and course.
WITH events AS (
    SELECT d.user_id, d.course_id, d.content_id, d.content_type, d.extra ->> 'quiz_type' AS quiz_type,
           lower(btrim(i.event_type)) AS event_type,
           replace(rtrim(btrim(i.event_time), 'Z'), 'T', ' ')::timestamp AS event_time
      FROM interaction_details AS d
      JOIN user_interactions AS i ON i.id = d.interaction_id
     WHERE d.course_id IS NOT NULL
), required AS (
    SELECT course_id, count(DISTINCT content_id) AS items
      FROM events
     WHERE content_id IS NOT NULL
       AND content_type <> 'pdf' AND coalesce(quiz_type, 'assessment') NOT IN ('practice', 'survey')
     GROUP BY course_id
), progress AS (
    SELECT e.user_id, e.course_id, max(e.event_time) AS last_activity,
           count(DISTINCT e.content_id) FILTER (
               WHERE e.event_type IN ('video_complete', 'content_complete')
                 AND e.content_type <> 'pdf' AND coalesce(e.quiz_type, 'assessment') NOT IN ('practice', 'survey'))
             AS completed
      FROM events AS e
     GROUP BY e.user_id, e.course_id
)
SELECT u.id                                         AS user_id,
       u.email,
       u.name                                       AS full_name,
       p.course_id,
       (SELECT d.course_name FROM interaction_details AS d
         WHERE d.course_id = p.course_id ORDER BY d.interaction_id DESC LIMIT 1) AS course_title,
       round(100.0 * p.completed / r.items, 2)       AS completion_percentage,
       p.last_activity                              AS last_activity_at
  FROM progress AS p
  JOIN required AS r ON r.course_id = p.course_id
  JOIN users AS u ON u.id = p.user_id
 WHERE p.completed < r.items
   AND p.last_activity < (:'now'::timestamptz - interval '7 days') AT TIME ZONE 'UTC'
 ORDER BY p.last_activity
 LIMIT 50;

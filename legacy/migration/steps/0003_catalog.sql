-- Courses, modules and content items.  The legacy database has no catalog: course, module
-- and content ids and names only exist as copies in interaction_details rows.  One pass
-- over interaction_details collects every distinct combination (a few per item: a course
-- renamed over time shows two names) with the range of interaction ids it was seen in;
-- the latest combination (highest interaction id) wins.
--
-- Consequence (docs/migration-plan.md, risks): an item nobody ever opened does not exist
-- in the new catalog, and descriptions, thumbnails, quiz questions' texts are unknown.

SET LOCAL work_mem = '256MB';

CREATE TEMP TABLE catalog_facts ON COMMIT DROP AS
SELECT d.course_id, d.course_name, (d.extra ->> 'instructor_id')::integer AS instructor_legacy_id,
       d.module_no, d.module_name, d.content_id, d.content_no, d.content_name, lower(btrim(d.content_type)) AS content_type,
       d.content_url, d.video_length, d.extra ->> 'quiz_type' AS quiz_type,
       legacy.parse_number(d.extra ->> 'passing_score') AS passing_score, d.question_id,
       count(*) AS seen, min(d.interaction_id) AS first_seen, max(d.interaction_id) AS last_seen
  FROM legacy.interaction_details AS d
 WHERE d.course_id IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14;
ANALYZE catalog_facts;

-- Courses: the latest title, the instructor seen most often, created when first seen.
INSERT INTO public.courses (id, title, instructor_id, status, metadata, created_at, updated_at)
SELECT legacy.course_uuid(c.course_id),
       left(coalesce(nullif(btrim(c.title), ''), 'Course ' || c.course_id), 200),
       m.user_id,
       'published',
       jsonb_build_object('legacy_course_id', c.course_id)
         || CASE WHEN cardinality(c.titles) > 1 THEN jsonb_build_object('former_titles', to_jsonb(c.titles[2:]))
                 ELSE '{}' END,
       legacy.parse_time(fi.event_time),
       legacy.parse_time(li.event_time)
  FROM (SELECT course_id,
               (array_agg(course_name ORDER BY last_seen DESC))[1] AS title,
               array_agg(DISTINCT course_name) FILTER (WHERE course_name IS NOT NULL) AS titles,
               mode() WITHIN GROUP (ORDER BY instructor_legacy_id) AS instructor_legacy_id,
               min(first_seen) AS first_seen, max(last_seen) AS last_seen
          FROM catalog_facts
         GROUP BY course_id) AS c
  LEFT JOIN legacy.user_map AS m ON m.legacy_id = c.instructor_legacy_id
  JOIN legacy.user_interactions AS fi ON fi.id = c.first_seen
  JOIN legacy.user_interactions AS li ON li.id = c.last_seen;

-- Modules: one per (course, module number), numbered from 0 in legacy order.
INSERT INTO public.course_modules (id, course_id, title, position, is_published)
SELECT legacy.module_uuid(course_id, module_no),
       legacy.course_uuid(course_id),
       left(coalesce(nullif(btrim(title), ''), 'Module ' || module_no), 200),
       (row_number() OVER (PARTITION BY course_id ORDER BY module_no) - 1)::integer,
       true
  FROM (SELECT course_id, module_no, (array_agg(module_name ORDER BY last_seen DESC))[1] AS title
          FROM catalog_facts
         WHERE module_no IS NOT NULL
         GROUP BY course_id, module_no) AS m;

-- Content items: in the module they were last seen in, numbered from 0 in legacy order.
-- Legacy types: video, quiz, article (reading), pdf (attachment); any other type leaves
-- content_type NULL and fails the step.  Practice quizzes, surveys and attachments do not
-- count towards completion.
CREATE TEMP TABLE latest_content ON COMMIT DROP AS
SELECT DISTINCT ON (content_id)
       content_id, course_id, module_no, content_no, content_name, content_type, content_url, quiz_type, passing_score
  FROM catalog_facts
 WHERE content_id IS NOT NULL
 ORDER BY content_id, last_seen DESC;

INSERT INTO public.content_items (id, module_id, title, content_type, position, estimated_duration_seconds, is_required)
SELECT legacy.content_uuid(c.content_id),
       legacy.module_uuid(c.course_id, c.module_no),
       left(coalesce(nullif(btrim(c.content_name), ''), 'Item ' || c.content_id), 200),
       CASE c.content_type WHEN 'video' THEN 'video' WHEN 'quiz' THEN 'quiz'
                           WHEN 'article' THEN 'reading' WHEN 'pdf' THEN 'attachment' END,
       (row_number() OVER (PARTITION BY c.course_id, c.module_no ORDER BY c.content_no, c.content_id) - 1)::integer,
       v.duration,
       NOT (c.content_type = 'pdf' OR (c.content_type = 'quiz' AND coalesce(c.quiz_type, '') IN ('practice', 'survey')))
  FROM latest_content AS c
  LEFT JOIN (SELECT content_id, max(legacy.parse_duration(video_length)) AS duration
               FROM catalog_facts WHERE video_length IS NOT NULL GROUP BY content_id) AS v
         ON v.content_id = c.content_id AND c.content_type = 'video';

INSERT INTO public.video_content (content_id, video_url, duration_seconds)
SELECT legacy.content_uuid(c.content_id), c.content_url, v.duration
  FROM latest_content AS c
  JOIN (SELECT content_id, max(legacy.parse_duration(video_length)) AS duration
          FROM catalog_facts WHERE video_length IS NOT NULL GROUP BY content_id) AS v ON v.content_id = c.content_id
 WHERE c.content_type = 'video';

-- Quizzes: the questions are only known by the ids learners answered; the quiz editor
-- fills in prompts and choices after the switch-over.
INSERT INTO public.quiz_content (content_id, quiz_type, passing_score, questions)
SELECT legacy.content_uuid(c.content_id),
       coalesce(c.quiz_type, 'practice'),
       CASE WHEN coalesce(c.quiz_type, 'practice') <> 'survey' THEN c.passing_score END,
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', q.question_id) ORDER BY length(q.question_id), q.question_id)
                   FROM (SELECT DISTINCT question_id FROM catalog_facts AS f
                          WHERE f.content_id = c.content_id AND f.question_id IS NOT NULL) AS q), '[]')
  FROM latest_content AS c
 WHERE c.content_type = 'quiz';

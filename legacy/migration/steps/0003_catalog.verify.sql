SET LOCAL work_mem = '256MB';

-- every legacy course, module and content id has its new row
SELECT 'course' AS kind, x.course_id AS legacy_course_id, NULL::integer AS module_no, NULL::integer AS legacy_content_id
  FROM (SELECT DISTINCT course_id FROM legacy.interaction_details WHERE course_id IS NOT NULL) AS x
 WHERE NOT EXISTS (SELECT 1 FROM public.courses AS c WHERE c.id = legacy.course_uuid(x.course_id))
UNION ALL
SELECT 'module', x.course_id, x.module_no, NULL
  FROM (SELECT DISTINCT course_id, module_no FROM legacy.interaction_details
         WHERE course_id IS NOT NULL AND module_no IS NOT NULL) AS x
 WHERE NOT EXISTS (SELECT 1 FROM public.course_modules AS m WHERE m.id = legacy.module_uuid(x.course_id, x.module_no))
UNION ALL
SELECT 'content', NULL, NULL, x.content_id
  FROM (SELECT DISTINCT content_id FROM legacy.interaction_details WHERE content_id IS NOT NULL) AS x
 WHERE NOT EXISTS (SELECT 1 FROM public.content_items AS ci WHERE ci.id = legacy.content_uuid(x.content_id));

-- as many courses, modules and items as distinct legacy ids, no more
SELECT l.courses, n.courses AS new_courses, l.modules, n.modules AS new_modules, l.items, n.items AS new_items
  FROM (SELECT count(DISTINCT course_id) AS courses,
               count(DISTINCT (course_id, module_no)) FILTER (WHERE module_no IS NOT NULL) AS modules,
               count(DISTINCT content_id) AS items
          FROM legacy.interaction_details WHERE course_id IS NOT NULL) AS l,
       (SELECT (SELECT count(*) FROM public.courses) AS courses, (SELECT count(*) FROM public.course_modules) AS modules,
               (SELECT count(*) FROM public.content_items) AS items) AS n
 WHERE (l.courses, l.modules, l.items) IS DISTINCT FROM (n.courses, n.modules, n.items);

-- each item has the detail row of its type: video_content for videos, quiz_content for quizzes, none otherwise
SELECT ci.id AS content_id, ci.content_type, vc.content_id IS NOT NULL AS has_video, qc.content_id IS NOT NULL AS has_quiz
  FROM public.content_items AS ci
  LEFT JOIN public.video_content AS vc ON vc.content_id = ci.id
  LEFT JOIN public.quiz_content AS qc ON qc.content_id = ci.id
 WHERE (ci.content_type = 'video') IS DISTINCT FROM (vc.content_id IS NOT NULL)
    OR (ci.content_type = 'quiz') IS DISTINCT FROM (qc.content_id IS NOT NULL);

-- every question answered in legacy is listed in its quiz
SELECT x.content_id AS legacy_content_id, x.question_id
  FROM (SELECT DISTINCT content_id, question_id FROM legacy.interaction_details WHERE question_id IS NOT NULL) AS x
  JOIN public.quiz_content AS qc ON qc.content_id = legacy.content_uuid(x.content_id)
 WHERE NOT qc.questions @> jsonb_build_array(jsonb_build_object('id', x.question_id));

-- orphans: items of missing modules, modules of missing courses, courses of missing instructors
SELECT 'content_items' AS tbl, ci.id FROM public.content_items AS ci
 WHERE NOT EXISTS (SELECT 1 FROM public.course_modules AS m WHERE m.id = ci.module_id)
UNION ALL
SELECT 'course_modules', m.id FROM public.course_modules AS m
 WHERE NOT EXISTS (SELECT 1 FROM public.courses AS c WHERE c.id = m.course_id)
UNION ALL
SELECT 'courses', c.id FROM public.courses AS c
 WHERE NOT EXISTS (SELECT 1 FROM public.users AS u WHERE u.id = c.instructor_id);

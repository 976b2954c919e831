-- Courses and their modules.
-- Depends on: functions.sql (set_updated_at), users.sql.
-- group: courses and content

CREATE TABLE courses (
    id             uuid        NOT NULL DEFAULT gen_random_uuid(),
    title          text        NOT NULL,
    description    text,
    instructor_id  uuid        NOT NULL,
    thumbnail_url  text,
    status         text        NOT NULL DEFAULT 'draft',
    metadata       jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT courses_pkey PRIMARY KEY (id),
    CONSTRAINT courses_instructor_id_fkey FOREIGN KEY (instructor_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT courses_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    CONSTRAINT courses_thumbnail_url_length CHECK (char_length(thumbnail_url) <= 2048),
    CONSTRAINT courses_status_valid CHECK (status IN ('draft', 'published', 'archived')),
    CONSTRAINT courses_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
);

CREATE INDEX courses_instructor_id_idx ON courses (instructor_id);

CREATE TRIGGER courses_set_updated_at
    BEFORE UPDATE ON courses
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE courses IS 'A course: an ordered list of modules taught by one instructor.';
COMMENT ON COLUMN courses.id IS 'Surrogate key (random UUID).';
COMMENT ON COLUMN courses.title IS 'Course title, 1 to 200 characters.';
COMMENT ON COLUMN courses.description IS 'Long description shown on the course page (Markdown); NULL when not written yet.';
COMMENT ON COLUMN courses.instructor_id IS 'The instructor who owns the course. ON DELETE RESTRICT: an instructor is deleted only after their courses are reassigned or deleted.';
COMMENT ON COLUMN courses.thumbnail_url IS 'URL of the catalog image; NULL shows a placeholder.';
COMMENT ON COLUMN courses.status IS 'Lifecycle: draft (authors only), published (in the catalog), archived (kept for enrolled learners, out of the catalog).';
COMMENT ON COLUMN courses.metadata IS 'Free-form attributes (a JSON object) that no query filters on, e.g. language, level, tags.';
COMMENT ON COLUMN courses.created_at IS 'When the course was created.';
COMMENT ON COLUMN courses.updated_at IS 'When the row last changed; maintained by the courses_set_updated_at trigger.';

COMMENT ON INDEX courses_pkey IS 'Primary key: course lookups by id, the joins of both reporting queries, and every foreign key to courses.';
COMMENT ON INDEX courses_instructor_id_idx IS 'Instructor dashboard WHERE instructor_id = $1; also the ON DELETE RESTRICT check when a user is deleted.';


CREATE TABLE course_modules (
    id            uuid        NOT NULL DEFAULT gen_random_uuid(),
    course_id     uuid        NOT NULL,
    title         text        NOT NULL,
    description   text,
    position      integer     NOT NULL,
    is_published  boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT course_modules_pkey PRIMARY KEY (id),
    CONSTRAINT course_modules_course_id_fkey FOREIGN KEY (course_id) REFERENCES courses (id) ON DELETE CASCADE,
    CONSTRAINT course_modules_course_id_position_key UNIQUE (course_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT course_modules_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    CONSTRAINT course_modules_position_non_negative CHECK (position >= 0)
);

CREATE TRIGGER course_modules_set_updated_at
    BEFORE UPDATE ON course_modules
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE course_modules IS 'A chapter of a course: an ordered group of content items. Deleted with its course.';
COMMENT ON COLUMN course_modules.id IS 'Surrogate key (random UUID).';
COMMENT ON COLUMN course_modules.course_id IS 'The course this module belongs to; ON DELETE CASCADE.';
COMMENT ON COLUMN course_modules.title IS 'Module title, 1 to 200 characters.';
COMMENT ON COLUMN course_modules.description IS 'Optional summary shown in the syllabus.';
COMMENT ON COLUMN course_modules.position IS 'Order within the course (0 or more), unique per course. The unique constraint is checked at the end of each statement, so one UPDATE can renumber a course, and it can be deferred to the end of a transaction.';
COMMENT ON COLUMN course_modules.is_published IS 'Whether learners see the module; unpublished modules are visible to authors only.';
COMMENT ON COLUMN course_modules.created_at IS 'When the module was created.';
COMMENT ON COLUMN course_modules.updated_at IS 'When the row last changed; maintained by the course_modules_set_updated_at trigger.';

COMMENT ON INDEX course_modules_pkey IS 'Primary key: module lookups by id, the join from content_items in top_videos_yesterday, and the foreign key from content_items.';
COMMENT ON INDEX course_modules_course_id_position_key IS 'Syllabus WHERE course_id = $1 ORDER BY position; enforces one module per position; covers the course_id foreign key (cascade from courses).';

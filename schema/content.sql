-- Content items and their type-specific details (one table per type that has
-- details of its own).
-- Depends on: functions.sql (set_updated_at), courses.sql.
-- group: courses and content

CREATE TABLE content_items (
    id                          uuid        NOT NULL DEFAULT gen_random_uuid(),
    module_id                   uuid        NOT NULL,
    title                       text        NOT NULL,
    content_type                text        NOT NULL,
    position                    integer     NOT NULL,
    estimated_duration_seconds  integer,
    is_required                 boolean     NOT NULL DEFAULT true,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT content_items_pkey PRIMARY KEY (id),
    CONSTRAINT content_items_module_id_fkey FOREIGN KEY (module_id) REFERENCES course_modules (id) ON DELETE CASCADE,
    CONSTRAINT content_items_module_id_position_key UNIQUE (module_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT content_items_title_length CHECK (char_length(title) BETWEEN 1 AND 200),
    CONSTRAINT content_items_content_type_valid CHECK (content_type IN ('video', 'quiz', 'reading', 'exercise', 'attachment')),
    CONSTRAINT content_items_position_non_negative CHECK (position >= 0),
    CONSTRAINT content_items_estimated_duration_non_negative CHECK (estimated_duration_seconds >= 0)
);

CREATE TRIGGER content_items_set_updated_at
    BEFORE UPDATE ON content_items
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE content_items IS 'One unit of learning inside a module: a video, quiz, reading, exercise or attachment. Videos and quizzes have a 1:1 detail row in video_content / quiz_content. Deleted with its module; interactions that pointed at it keep their history with content_id set to NULL.';
COMMENT ON COLUMN content_items.id IS 'Surrogate key (random UUID).';
COMMENT ON COLUMN content_items.module_id IS 'The module this item belongs to; ON DELETE CASCADE.';
COMMENT ON COLUMN content_items.title IS 'Item title, 1 to 200 characters.';
COMMENT ON COLUMN content_items.content_type IS 'Kind of item: video, quiz, reading, exercise or attachment. Decides which detail table (if any) has a row for it.';
COMMENT ON COLUMN content_items.position IS 'Order within the module (0 or more), unique per module; checked at the end of each statement, deferrable for reordering.';
COMMENT ON COLUMN content_items.estimated_duration_seconds IS 'Time budget shown in the syllabus, in seconds (0 or more); NULL when not estimated. For a video this is the expected study time, not the media length (video_content.duration_seconds).';
COMMENT ON COLUMN content_items.is_required IS 'Whether the item counts towards course completion (user_progress.total_items counts required items only).';
COMMENT ON COLUMN content_items.created_at IS 'When the item was created.';
COMMENT ON COLUMN content_items.updated_at IS 'When the row last changed; maintained by the content_items_set_updated_at trigger.';

COMMENT ON INDEX content_items_pkey IS 'Primary key: item lookups by id, the join from content_engagement_metrics in top_videos_yesterday, and every foreign key to content_items.';
COMMENT ON INDEX content_items_module_id_position_key IS 'Module page WHERE module_id = $1 ORDER BY position; enforces one item per position; covers the module_id foreign key (cascade from course_modules).';


CREATE TABLE video_content (
    content_id        uuid        NOT NULL,
    video_url         text        NOT NULL,
    thumbnail_url     text,
    transcript        text,
    captions          jsonb       NOT NULL DEFAULT '[]',
    duration_seconds  integer     NOT NULL,
    encoding_details  jsonb       NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT video_content_pkey PRIMARY KEY (content_id),
    CONSTRAINT video_content_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE CASCADE,
    CONSTRAINT video_content_video_url_length CHECK (char_length(video_url) BETWEEN 1 AND 2048),
    CONSTRAINT video_content_thumbnail_url_length CHECK (char_length(thumbnail_url) <= 2048),
    CONSTRAINT video_content_captions_is_array CHECK (jsonb_typeof(captions) = 'array'),
    CONSTRAINT video_content_duration_positive CHECK (duration_seconds > 0),
    CONSTRAINT video_content_encoding_details_is_object CHECK (jsonb_typeof(encoding_details) = 'object')
);

CREATE TRIGGER video_content_set_updated_at
    BEFORE UPDATE ON video_content
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE video_content IS 'Video details of a content item of type video (1:1, keyed by the item). Deleted with the item.';
COMMENT ON COLUMN video_content.content_id IS 'The content item this video belongs to; primary key and foreign key (ON DELETE CASCADE).';
COMMENT ON COLUMN video_content.video_url IS 'URL of the playable media (HLS/DASH manifest or file).';
COMMENT ON COLUMN video_content.thumbnail_url IS 'URL of the poster image; NULL uses the first frame.';
COMMENT ON COLUMN video_content.transcript IS 'Full text transcript; NULL until transcribed.';
COMMENT ON COLUMN video_content.captions IS 'Caption tracks as a JSON array of objects, e.g. [{"lang": "en", "url": "..."}]; empty when none.';
COMMENT ON COLUMN video_content.duration_seconds IS 'Media length in seconds (more than 0), as reported by the encoder.';
COMMENT ON COLUMN video_content.encoding_details IS 'Encoder output (a JSON object): renditions, codecs, bitrates. Read by the player only.';
COMMENT ON COLUMN video_content.created_at IS 'When the video row was created.';
COMMENT ON COLUMN video_content.updated_at IS 'When the row last changed; maintained by the video_content_set_updated_at trigger.';

COMMENT ON INDEX video_content_pkey IS 'Primary key: the player loads WHERE content_id = $1; covers the foreign key to content_items.';


CREATE TABLE quiz_content (
    content_id           uuid         NOT NULL,
    quiz_type            text         NOT NULL,
    passing_score        numeric(5,2),
    time_limit_seconds   integer,
    randomize_questions  boolean      NOT NULL DEFAULT false,
    show_answers         boolean      NOT NULL DEFAULT true,
    questions            jsonb        NOT NULL DEFAULT '[]',
    created_at           timestamptz  NOT NULL DEFAULT now(),
    updated_at           timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT quiz_content_pkey PRIMARY KEY (content_id),
    CONSTRAINT quiz_content_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE CASCADE,
    CONSTRAINT quiz_content_quiz_type_valid CHECK (quiz_type IN ('assessment', 'practice', 'survey')),
    CONSTRAINT quiz_content_passing_score_range CHECK (passing_score BETWEEN 0 AND 100),
    CONSTRAINT quiz_content_survey_has_no_passing_score CHECK (quiz_type <> 'survey' OR passing_score IS NULL),
    CONSTRAINT quiz_content_time_limit_positive CHECK (time_limit_seconds > 0),
    CONSTRAINT quiz_content_questions_is_array CHECK (jsonb_typeof(questions) = 'array')
);

CREATE TRIGGER quiz_content_set_updated_at
    BEFORE UPDATE ON quiz_content
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE quiz_content IS 'Quiz details of a content item of type quiz (1:1, keyed by the item). Deleted with the item.';
COMMENT ON COLUMN quiz_content.content_id IS 'The content item this quiz belongs to; primary key and foreign key (ON DELETE CASCADE).';
COMMENT ON COLUMN quiz_content.quiz_type IS 'assessment (graded, counts towards completion), practice (graded, does not count) or survey (not graded).';
COMMENT ON COLUMN quiz_content.passing_score IS 'Score needed to pass, in percent (0 to 100); NULL means no pass mark, and it is always NULL for a survey.';
COMMENT ON COLUMN quiz_content.time_limit_seconds IS 'Time allowed for one attempt, in seconds (more than 0); NULL means unlimited.';
COMMENT ON COLUMN quiz_content.randomize_questions IS 'Whether each attempt shows the questions in a random order.';
COMMENT ON COLUMN quiz_content.show_answers IS 'Whether the correct answers are shown after an attempt is submitted.';
COMMENT ON COLUMN quiz_content.questions IS 'The questions as a JSON array of objects, each with a stable "id" (referenced by quiz_interactions.question_id), prompt, choices and answer key. Read and written whole by the quiz editor.';
COMMENT ON COLUMN quiz_content.created_at IS 'When the quiz row was created.';
COMMENT ON COLUMN quiz_content.updated_at IS 'When the row last changed; maintained by the quiz_content_set_updated_at trigger.';

COMMENT ON INDEX quiz_content_pkey IS 'Primary key: the quiz player loads WHERE content_id = $1; covers the foreign key to content_items.';

-- Interaction tracking: sessions, the partitioned interaction log and its
-- type-specific details.
-- Depends on: users.sql, courses.sql, content.sql.  The monthly partitions of
-- user_interactions are not declared here: create_monthly_partitions()
-- (functions.sql) creates them, and the [tool.schemadiff] exclude pattern
-- public.user_interactions_p* keeps them out of drift.
-- group: interactions

CREATE TABLE user_sessions (
    id           bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    user_id      uuid        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    device_info  jsonb       NOT NULL DEFAULT '{}',
    ip_address   inet,
    metadata     jsonb       NOT NULL DEFAULT '{}',
    CONSTRAINT user_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_sessions_ended_after_started CHECK (ended_at >= started_at),
    CONSTRAINT user_sessions_device_info_is_object CHECK (jsonb_typeof(device_info) = 'object'),
    CONSTRAINT user_sessions_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
);

CREATE INDEX user_sessions_user_id_started_at_idx ON user_sessions (user_id, started_at);

COMMENT ON TABLE user_sessions IS 'One visit of a user, from sign-in (or first request) to sign-out or timeout. Deleted with the user, and takes its interactions with it.';
COMMENT ON COLUMN user_sessions.id IS 'Surrogate key (identity bigint): sessions are high-volume and internal, so a compact, ever-increasing key keeps the index and every referencing interaction row small.';
COMMENT ON COLUMN user_sessions.user_id IS 'The user of the session; ON DELETE CASCADE.';
COMMENT ON COLUMN user_sessions.started_at IS 'When the session started.';
COMMENT ON COLUMN user_sessions.ended_at IS 'When the session ended (sign-out or timeout), never before started_at; NULL while it is open.';
COMMENT ON COLUMN user_sessions.device_info IS 'Client description as a JSON object: user agent, platform, app version, screen size.';
COMMENT ON COLUMN user_sessions.ip_address IS 'Client IP address at session start; NULL when unknown.';
COMMENT ON COLUMN user_sessions.metadata IS 'Other session attributes (a JSON object), e.g. referrer or campaign.';

COMMENT ON INDEX user_sessions_pkey IS 'Primary key: session lookups by id and the foreign key from user_interactions.';
COMMENT ON INDEX user_sessions_user_id_started_at_idx IS 'A user''s recent sessions WHERE user_id = $1 ORDER BY started_at DESC (scanned backwards); covers the user_id foreign key (cascade from users).';


CREATE TABLE user_interactions (
    id                bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at        timestamptz NOT NULL DEFAULT now(),
    session_id        bigint      NOT NULL,
    interaction_type  text        NOT NULL,
    content_id        uuid,
    course_id         uuid,
    metadata          jsonb       NOT NULL DEFAULT '{}',
    is_processed      boolean     NOT NULL DEFAULT false,
    CONSTRAINT user_interactions_id_created_at_pkey PRIMARY KEY (id, created_at),
    CONSTRAINT user_interactions_session_id_fkey FOREIGN KEY (session_id) REFERENCES user_sessions (id) ON DELETE CASCADE,
    CONSTRAINT user_interactions_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE SET NULL,
    CONSTRAINT user_interactions_course_id_fkey FOREIGN KEY (course_id) REFERENCES courses (id) ON DELETE SET NULL,
    CONSTRAINT user_interactions_interaction_type_valid CHECK (interaction_type IN (
        'view', 'start', 'play', 'pause', 'seek', 'progress', 'complete', 'answer', 'submit', 'download')),
    CONSTRAINT user_interactions_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE (created_at);

CREATE TABLE user_interactions_default PARTITION OF user_interactions DEFAULT;

CREATE INDEX user_interactions_session_id_created_at_idx ON user_interactions (session_id, created_at);
CREATE INDEX user_interactions_content_id_created_at_idx ON user_interactions (content_id, created_at);
CREATE INDEX user_interactions_course_id_created_at_idx ON user_interactions (course_id, created_at);
CREATE INDEX user_interactions_unprocessed_idx ON user_interactions (created_at) WHERE NOT is_processed;
CREATE INDEX user_interactions_created_at_brin ON user_interactions USING brin (created_at);

COMMENT ON TABLE user_interactions IS 'Append-only log of what learners do (views, plays, answers...), the largest table. Partitioned by RANGE (created_at) into UTC months named user_interactions_pYYYYMM, created ahead of time by create_monthly_partitions(); rows with no monthly partition land in user_interactions_default.';
COMMENT ON COLUMN user_interactions.id IS 'Identity bigint, unique on its own in practice; the primary key is (id, created_at) because a partitioned table''s primary key must contain the partition key.';
COMMENT ON COLUMN user_interactions.created_at IS 'When the server recorded the interaction (UTC month decides the partition); also the second half of the primary key.';
COMMENT ON COLUMN user_interactions.session_id IS 'The session the interaction happened in (and through it the user); ON DELETE CASCADE.';
COMMENT ON COLUMN user_interactions.interaction_type IS 'What happened: view, start, play, pause, seek, progress, complete, answer, submit or download. Video events have a video_interactions row, quiz answers a quiz_interactions row.';
COMMENT ON COLUMN user_interactions.content_id IS 'The content item acted on; NULL for course-level events, and set to NULL when the item is deleted so the history survives.';
COMMENT ON COLUMN user_interactions.course_id IS 'The course the event belongs to, recorded at write time so course analytics need no join and survive content deletion; set to NULL when the course is deleted.';
COMMENT ON COLUMN user_interactions.metadata IS 'Event payload (a JSON object) that no query filters on, e.g. page, referrer, client timestamp.';
COMMENT ON COLUMN user_interactions.is_processed IS 'Whether the analytics rollup job has folded this row into user_progress; false rows are the job''s queue (user_interactions_unprocessed_idx).';

COMMENT ON TABLE user_interactions_default IS 'DEFAULT partition of user_interactions: catches rows whose month has no partition yet, so inserts never fail. Should stay nearly empty; create_monthly_partitions() moves its rows into a month''s partition when it creates one.';

COMMENT ON INDEX user_interactions_id_created_at_pkey IS 'Primary key (id, created_at): the foreign keys from video_interactions and quiz_interactions, and the rollup job marking rows processed WHERE id = $1 AND created_at = $2.';
COMMENT ON INDEX user_interactions_session_id_created_at_idx IS 'Session timeline WHERE session_id = $1 ORDER BY created_at; covers the session_id foreign key (cascade from user_sessions).';
COMMENT ON INDEX user_interactions_content_id_created_at_idx IS 'Activity on one item WHERE content_id = $1 AND created_at >= $2; covers the content_id foreign key (SET NULL when an item is deleted).';
COMMENT ON INDEX user_interactions_course_id_created_at_idx IS 'Course activity feed WHERE course_id = $1 ORDER BY created_at DESC; covers the course_id foreign key (SET NULL when a course is deleted).';
COMMENT ON INDEX user_interactions_unprocessed_idx IS 'Rollup job queue WHERE NOT is_processed ORDER BY created_at LIMIT n; holds only unprocessed rows, so it stays small.';
COMMENT ON INDEX user_interactions_created_at_brin IS 'Nightly rollups and backfills WHERE created_at >= $1 AND created_at < $2 inside a partition (one day of a month); BRIN because rows arrive in created_at order, a few pages per partition.';


CREATE TABLE video_interactions (
    interaction_id          bigint        NOT NULL,
    interaction_created_at  timestamptz   NOT NULL,
    position_seconds        numeric(10,3) NOT NULL,
    watched_seconds         numeric(10,3) NOT NULL DEFAULT 0,
    playback_rate           numeric(4,2)  NOT NULL DEFAULT 1,
    quality                 text,
    is_fullscreen           boolean       NOT NULL DEFAULT false,
    CONSTRAINT video_interactions_pkey PRIMARY KEY (interaction_id, interaction_created_at),
    CONSTRAINT video_interactions_interaction_fkey FOREIGN KEY (interaction_id, interaction_created_at)
        REFERENCES user_interactions (id, created_at) ON DELETE CASCADE,
    CONSTRAINT video_interactions_position_non_negative CHECK (position_seconds >= 0),
    CONSTRAINT video_interactions_watched_non_negative CHECK (watched_seconds >= 0),
    CONSTRAINT video_interactions_playback_rate_range CHECK (playback_rate > 0 AND playback_rate <= 4),
    CONSTRAINT video_interactions_quality_valid CHECK (quality IN ('auto', '144p', '240p', '360p', '480p', '720p', '1080p', '1440p', '2160p'))
);

COMMENT ON TABLE video_interactions IS 'Player details of a video interaction (1:1 with a user_interactions row). Deleted with it.';
COMMENT ON COLUMN video_interactions.interaction_id IS 'user_interactions.id of the interaction; with interaction_created_at, the primary key and the foreign key (ON DELETE CASCADE).';
COMMENT ON COLUMN video_interactions.interaction_created_at IS 'user_interactions.created_at of the interaction: part of the foreign key because the referenced primary key includes the partition key.';
COMMENT ON COLUMN video_interactions.position_seconds IS 'Playhead position when the event fired, in seconds (0 or more).';
COMMENT ON COLUMN video_interactions.watched_seconds IS 'Seconds actually watched since the previous event of the session (0 or more).';
COMMENT ON COLUMN video_interactions.playback_rate IS 'Playback speed, more than 0 and at most 4 (1 is normal speed).';
COMMENT ON COLUMN video_interactions.quality IS 'Rendition played: auto or a resolution such as 720p; NULL when the player did not report it.';
COMMENT ON COLUMN video_interactions.is_fullscreen IS 'Whether the player was fullscreen.';

COMMENT ON INDEX video_interactions_pkey IS 'Primary key: the join WHERE (interaction_id, interaction_created_at) = (ui.id, ui.created_at) and the cascade from user_interactions; covers the foreign key.';


CREATE TABLE quiz_interactions (
    interaction_id          bigint        NOT NULL,
    interaction_created_at  timestamptz   NOT NULL,
    question_id             text          NOT NULL,
    user_answer             jsonb         NOT NULL,
    is_correct              boolean,
    time_taken_seconds      numeric(10,3) NOT NULL,
    attempt_number          integer       NOT NULL DEFAULT 1,
    score                   numeric(5,2),
    CONSTRAINT quiz_interactions_pkey PRIMARY KEY (interaction_id, interaction_created_at),
    CONSTRAINT quiz_interactions_interaction_fkey FOREIGN KEY (interaction_id, interaction_created_at)
        REFERENCES user_interactions (id, created_at) ON DELETE CASCADE,
    CONSTRAINT quiz_interactions_question_id_length CHECK (char_length(question_id) BETWEEN 1 AND 100),
    CONSTRAINT quiz_interactions_time_taken_non_negative CHECK (time_taken_seconds >= 0),
    CONSTRAINT quiz_interactions_attempt_number_positive CHECK (attempt_number >= 1),
    CONSTRAINT quiz_interactions_score_range CHECK (score BETWEEN 0 AND 100)
);

COMMENT ON TABLE quiz_interactions IS 'One answered question (1:1 with a user_interactions row of type answer). Deleted with it.';
COMMENT ON COLUMN quiz_interactions.interaction_id IS 'user_interactions.id of the interaction; with interaction_created_at, the primary key and the foreign key (ON DELETE CASCADE).';
COMMENT ON COLUMN quiz_interactions.interaction_created_at IS 'user_interactions.created_at of the interaction: part of the foreign key because the referenced primary key includes the partition key.';
COMMENT ON COLUMN quiz_interactions.question_id IS 'The "id" of the question inside quiz_content.questions of the quiz (user_interactions.content_id); not a foreign key, questions live in JSON.';
COMMENT ON COLUMN quiz_interactions.user_answer IS 'The answer as given, as JSON (a choice id, a list of choice ids, or free text).';
COMMENT ON COLUMN quiz_interactions.is_correct IS 'Whether the answer is right; NULL for ungraded questions (surveys, free text awaiting review).';
COMMENT ON COLUMN quiz_interactions.time_taken_seconds IS 'Time spent on the question, in seconds (0 or more).';
COMMENT ON COLUMN quiz_interactions.attempt_number IS 'Which attempt at the quiz this answer belongs to, from 1.';
COMMENT ON COLUMN quiz_interactions.score IS 'Points earned on the question, in percent of its maximum (0 to 100); NULL when ungraded.';

COMMENT ON INDEX quiz_interactions_pkey IS 'Primary key: the join WHERE (interaction_id, interaction_created_at) = (ui.id, ui.created_at) and the cascade from user_interactions; covers the foreign key.';

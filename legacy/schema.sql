-- The learning platform's legacy schema, as it runs in production today (schema public).
--
-- Grown over the years, not designed: kept here as the starting point of the migration to
-- schema/ (see docs/migration-plan.md).  Its known problems, each handled by a data step:
--
--   * one unpartitioned event table (user_interactions), ids are int4 serials;
--   * text where types belong: event and session-end times are text in two formats
--     ('2024-03-05 10:11:12.123456' and '2024-03-05T10:11:12Z'), positions, scores,
--     durations and playback speeds are text ('95.5', '1.5x', '5:42'), booleans are
--     'Y'/'N' or 'true'/'f', IP addresses are text ('unknown' included), settings are
--     JSON in a text column (sometimes '' or not JSON at all);
--   * timestamps without time zone (the servers run in UTC, nothing says so);
--   * no catalog of courses and content: course, module and content ids and names only
--     exist as copies in each interaction_details row (course renames show up as two
--     names for one id over time);
--   * vocabularies spelled several ways ('video_play', 'VIDEO_PLAY ', 'Teacher', 'HD');
--   * email unique only case-sensitively: 'Ada@x.com' and 'ada@x.com' are two accounts;
--   * missing indexes: no index on user_sessions.user_id, user_interactions.session_id,
--     interaction_details.interaction_id; no foreign key from the event tables.

CREATE TABLE users (
    id          serial PRIMARY KEY,
    email       varchar(255) NOT NULL UNIQUE,
    name        varchar(255),
    role        varchar(20) DEFAULT 'student',
    avatar      text,
    settings    text,
    created     timestamp DEFAULT now(),
    updated     timestamp
);

CREATE TABLE user_sessions (
    session_id  serial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id),
    started     timestamp NOT NULL,
    ended       varchar(40),
    ip          varchar(64),
    user_agent  text,
    device      varchar(50)
);

CREATE TABLE user_interactions (
    id          serial PRIMARY KEY,
    session_id  integer,
    user_id     integer,
    event_type  varchar(50),
    event_time  varchar(40),
    page_url    text,
    processed   char(1) DEFAULT 'N'
);

CREATE TABLE interaction_details (
    id               serial PRIMARY KEY,
    interaction_id   integer NOT NULL,
    user_id          integer,
    user_name        varchar(255),
    user_email       varchar(255),
    course_id        integer,
    course_name      varchar(255),
    module_no        integer,
    module_name      varchar(255),
    content_id       integer,
    content_no       integer,
    content_name     varchar(255),
    content_type     varchar(20),
    content_url      text,
    video_length     varchar(20),
    video_position   text,
    playback_speed   varchar(10),
    quality          varchar(10),
    question_id      varchar(50),
    answer           text,
    is_correct       varchar(5),
    score            text,
    attempt          integer,
    time_spent       text,
    extra            jsonb
);

CREATE INDEX idx_interactions_user ON user_interactions (user_id);
CREATE INDEX idx_details_course ON interaction_details (course_id);

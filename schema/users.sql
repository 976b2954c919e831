-- Users: every person on the platform, whatever their role.
-- Depends on: functions.sql (set_updated_at).
-- group: users

CREATE TABLE users (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    email       text        NOT NULL,
    full_name   text        NOT NULL,
    avatar_url  text,
    user_role   text        NOT NULL DEFAULT 'student',
    metadata    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_format CHECK (char_length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    CONSTRAINT users_full_name_length CHECK (char_length(full_name) BETWEEN 1 AND 200),
    CONSTRAINT users_avatar_url_length CHECK (char_length(avatar_url) <= 2048),
    CONSTRAINT users_user_role_valid CHECK (user_role IN ('student', 'instructor', 'admin')),
    CONSTRAINT users_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object')
);

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TRIGGER users_set_updated_at
    BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE users IS 'Every person who can sign in: learners, instructors and administrators. Deleting a user deletes their sessions, interactions and progress; it is refused while they teach a course.';
COMMENT ON COLUMN users.id IS 'Surrogate key (random UUID): safe to expose in URLs and to generate outside the database.';
COMMENT ON COLUMN users.email IS 'Sign-in address as the user typed it; unique case-insensitively (users_email_lower_key), at most 254 characters (RFC 5321).';
COMMENT ON COLUMN users.full_name IS 'Display name, 1 to 200 characters.';
COMMENT ON COLUMN users.avatar_url IS 'URL of the profile picture; NULL shows the default avatar.';
COMMENT ON COLUMN users.user_role IS 'What the user may do: student (takes courses), instructor (authors courses) or admin.';
COMMENT ON COLUMN users.metadata IS 'Free-form profile settings (a JSON object) that no query filters on, e.g. locale or notification preferences.';
COMMENT ON COLUMN users.created_at IS 'When the account was created.';
COMMENT ON COLUMN users.updated_at IS 'When the row last changed; maintained by the users_set_updated_at trigger.';

COMMENT ON INDEX users_pkey IS 'Primary key: user lookups by id and every foreign key to users.';
COMMENT ON INDEX users_email_lower_key IS 'Sign-in lookup WHERE lower(email) = lower($1); also enforces case-insensitive uniqueness of email.';

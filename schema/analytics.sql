-- Analytics: derived tables written only by the rollup jobs (see
-- docs/schema-design.md, "Analytics tables"), read by dashboards and the
-- reporting queries in docs/queries/.  Everything here can be rebuilt from
-- user_interactions: refresh_content_daily_metrics() at the end is the nightly
-- job's content part.
-- Depends on: functions.sql (set_updated_at), users.sql, courses.sql, content.sql;
-- the body of refresh_content_daily_metrics() reads interactions.sql (PL/pgSQL, not
-- resolved at CREATE time).
-- group: analytics

CREATE TABLE user_progress (
    user_id                uuid         NOT NULL,
    course_id              uuid         NOT NULL,
    completed_items        integer      NOT NULL DEFAULT 0,
    total_items            integer      NOT NULL DEFAULT 0,
    completion_percentage  numeric(5,2) NOT NULL GENERATED ALWAYS AS (
        CASE WHEN total_items = 0 THEN 0 ELSE round(100.0 * completed_items / total_items, 2) END
    ) STORED,
    last_activity_at       timestamptz  NOT NULL DEFAULT now(),
    time_spent_seconds     bigint       NOT NULL DEFAULT 0,
    average_score          numeric(5,2),
    created_at             timestamptz  NOT NULL DEFAULT now(),
    updated_at             timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT user_progress_pkey PRIMARY KEY (user_id, course_id),
    CONSTRAINT user_progress_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_progress_course_id_fkey FOREIGN KEY (course_id) REFERENCES courses (id) ON DELETE CASCADE,
    CONSTRAINT user_progress_items_range CHECK (completed_items >= 0 AND completed_items <= total_items),
    CONSTRAINT user_progress_time_spent_non_negative CHECK (time_spent_seconds >= 0),
    CONSTRAINT user_progress_average_score_range CHECK (average_score BETWEEN 0 AND 100)
);

CREATE INDEX user_progress_course_id_idx ON user_progress (course_id);
CREATE INDEX user_progress_inactive_idx ON user_progress (last_activity_at) WHERE completion_percentage < 100;

CREATE TRIGGER user_progress_set_updated_at
    BEFORE UPDATE ON user_progress
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE user_progress IS 'One row per learner and course they started: the learner''s progress, upserted by the rollup job from unprocessed interactions (and on enrollment). Deleted with the user or the course.';
COMMENT ON COLUMN user_progress.user_id IS 'The learner; first half of the primary key; ON DELETE CASCADE.';
COMMENT ON COLUMN user_progress.course_id IS 'The course; second half of the primary key; ON DELETE CASCADE.';
COMMENT ON COLUMN user_progress.completed_items IS 'Required items of the course the learner has completed (0 to total_items).';
COMMENT ON COLUMN user_progress.total_items IS 'Required items in the course when the row was last refreshed (0 or more).';
COMMENT ON COLUMN user_progress.completion_percentage IS 'Generated: 100 * completed_items / total_items rounded to 2 decimals (0 when the course has no required item), so it can never disagree with the counts. Below 100 means incomplete.';
COMMENT ON COLUMN user_progress.last_activity_at IS 'Time of the learner''s latest interaction in the course (enrollment time until the first one).';
COMMENT ON COLUMN user_progress.time_spent_seconds IS 'Total time spent in the course, in seconds (0 or more).';
COMMENT ON COLUMN user_progress.average_score IS 'Mean score of the learner''s graded quiz answers in the course, in percent (0 to 100); NULL before the first graded answer.';
COMMENT ON COLUMN user_progress.created_at IS 'When the learner started the course (row created).';
COMMENT ON COLUMN user_progress.updated_at IS 'When the row last changed; maintained by the user_progress_set_updated_at trigger.';

COMMENT ON INDEX user_progress_pkey IS 'Primary key (user_id, course_id): the rollup job''s upsert ON CONFLICT (user_id, course_id), a learner''s dashboard WHERE user_id = $1; covers the user_id foreign key.';
COMMENT ON INDEX user_progress_course_id_idx IS 'Course roster WHERE course_id = $1 (instructor view of learners'' progress); covers the course_id foreign key (cascade from courses).';
COMMENT ON INDEX user_progress_inactive_idx IS 'Query docs/queries/learner_inactive.sql: incomplete courses (completion_percentage < 100) inactive for 7+ days, ORDER BY last_activity_at LIMIT 50; partial, so completed rows cost nothing.';


CREATE TABLE content_engagement_metrics (
    content_id            uuid          NOT NULL,
    metric_date           date          NOT NULL,
    views                 integer       NOT NULL DEFAULT 0,
    completions           integer       NOT NULL DEFAULT 0,
    average_time_seconds  numeric(10,2) NOT NULL DEFAULT 0,
    average_score         numeric(5,2),
    difficulty            numeric(4,3),
    engagement_score      numeric(5,2)  NOT NULL DEFAULT 0,
    sessions_reaching     integer[],
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT content_engagement_metrics_pkey PRIMARY KEY (content_id, metric_date),
    CONSTRAINT content_engagement_metrics_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE CASCADE,
    CONSTRAINT content_engagement_metrics_views_non_negative CHECK (views >= 0),
    CONSTRAINT content_engagement_metrics_completions_non_negative CHECK (completions >= 0),
    CONSTRAINT content_engagement_metrics_average_time_non_negative CHECK (average_time_seconds >= 0),
    CONSTRAINT content_engagement_metrics_average_score_range CHECK (average_score BETWEEN 0 AND 100),
    CONSTRAINT content_engagement_metrics_difficulty_range CHECK (difficulty BETWEEN 0 AND 1),
    CONSTRAINT content_engagement_metrics_engagement_score_range CHECK (engagement_score BETWEEN 0 AND 100),
    CONSTRAINT content_engagement_metrics_sessions_reaching_tenths CHECK (
        array_ndims(sessions_reaching) = 1 AND array_lower(sessions_reaching, 1) = 1
        AND cardinality(sessions_reaching) = 11
        AND array_position(sessions_reaching, NULL) IS NULL AND 0 <= ALL (sessions_reaching))
);

CREATE INDEX content_engagement_metrics_top_daily_idx ON content_engagement_metrics (metric_date, engagement_score DESC, content_id)
    WHERE views > 10;

CREATE TRIGGER content_engagement_metrics_set_updated_at
    BEFORE UPDATE ON content_engagement_metrics
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE content_engagement_metrics IS 'Daily engagement of each content item (one row per item and UTC day), upserted by the nightly rollup from that day''s interactions; today''s row is refreshed during the day. Deleted with the item.';
COMMENT ON COLUMN content_engagement_metrics.content_id IS 'The content item; first half of the primary key; ON DELETE CASCADE.';
COMMENT ON COLUMN content_engagement_metrics.metric_date IS 'The UTC day the figures cover; second half of the primary key.';
COMMENT ON COLUMN content_engagement_metrics.views IS 'Number of view/start interactions on the item that day (0 or more).';
COMMENT ON COLUMN content_engagement_metrics.completions IS 'Number of complete interactions on the item that day (0 or more).';
COMMENT ON COLUMN content_engagement_metrics.average_time_seconds IS 'Mean time a learner spent on the item that day, in seconds (0 or more).';
COMMENT ON COLUMN content_engagement_metrics.average_score IS 'Mean score of that day''s graded answers, in percent (0 to 100); NULL when nothing was graded.';
COMMENT ON COLUMN content_engagement_metrics.difficulty IS 'Share of that day''s graded answers that were wrong (0 to 1); NULL when nothing was graded.';
COMMENT ON COLUMN content_engagement_metrics.engagement_score IS 'Composite 0 to 100 computed by the rollup job from completion rate, time spent relative to the item''s length, and repeat views; the ranking key of top_videos_yesterday.';
COMMENT ON COLUMN content_engagement_metrics.sessions_reaching IS 'Videos only: the retention curve of the day, 11 counts. Element k + 1 (k = 0 to 10) is the number of viewing sessions of the day (sessions with a player event on the video that UTC day) whose furthest playhead position that day reached k tenths of video_content.duration_seconds, so element 1 counts every viewing session and the counts never increase. Summed over days, a session that crosses midnight counts once per day. NULL for items that are not videos (or have no video_content row).';
COMMENT ON COLUMN content_engagement_metrics.created_at IS 'When the row was first written.';
COMMENT ON COLUMN content_engagement_metrics.updated_at IS 'When the row was last refreshed; maintained by the content_engagement_metrics_set_updated_at trigger.';

COMMENT ON INDEX content_engagement_metrics_pkey IS 'Primary key (content_id, metric_date): the rollup upsert ON CONFLICT, an item''s trend WHERE content_id = $1 AND metric_date BETWEEN $2 AND $3 (the video drop-off dashboard sums sessions_reaching over such a range); covers the content_id foreign key.';
COMMENT ON INDEX content_engagement_metrics_top_daily_idx IS 'Query docs/queries/top_videos_yesterday.sql: WHERE metric_date = yesterday AND views > 10 ORDER BY engagement_score DESC, content_id LIMIT 20, read in index order; partial on views > 10 (a query with a higher threshold can use it too).';


CREATE TABLE quiz_question_daily (
    content_id          uuid          NOT NULL,
    metric_date         date          NOT NULL,
    question_id         text          NOT NULL,
    answers             integer       NOT NULL,
    graded              integer       NOT NULL,
    correct             integer       NOT NULL,
    time_taken_seconds  numeric(14,3) NOT NULL,
    scored              integer       NOT NULL,
    score_sum           numeric(14,2) NOT NULL,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT quiz_question_daily_pkey PRIMARY KEY (content_id, metric_date, question_id),
    CONSTRAINT quiz_question_daily_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE CASCADE,
    CONSTRAINT quiz_question_daily_question_id_length CHECK (char_length(question_id) BETWEEN 1 AND 100),
    CONSTRAINT quiz_question_daily_answers_positive CHECK (answers > 0),
    CONSTRAINT quiz_question_daily_graded_range CHECK (graded BETWEEN 0 AND answers),
    CONSTRAINT quiz_question_daily_correct_range CHECK (correct BETWEEN 0 AND graded),
    CONSTRAINT quiz_question_daily_time_taken_non_negative CHECK (time_taken_seconds >= 0),
    CONSTRAINT quiz_question_daily_scored_range CHECK (scored BETWEEN 0 AND answers),
    CONSTRAINT quiz_question_daily_score_sum_range CHECK (score_sum BETWEEN 0 AND 100 * scored)
);

CREATE TRIGGER quiz_question_daily_set_updated_at
    BEFORE UPDATE ON quiz_question_daily
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE quiz_question_daily IS 'Daily answers per quiz question (one row per quiz, UTC day and question answered that day), upserted by the nightly rollup (refresh_content_daily_metrics) from that day''s answer interactions; the quiz difficulty report sums a range of days. Holds sums and counts, never averages, so any range of days adds up exactly. Deleted with the quiz.';
COMMENT ON COLUMN quiz_question_daily.content_id IS 'The quiz (a content item); first part of the primary key; ON DELETE CASCADE.';
COMMENT ON COLUMN quiz_question_daily.metric_date IS 'The UTC day the figures cover; second part of the primary key.';
COMMENT ON COLUMN quiz_question_daily.question_id IS 'The question, as quiz_interactions.question_id (the "id" inside quiz_content.questions); third part of the primary key.';
COMMENT ON COLUMN quiz_question_daily.answers IS 'Answers to the question that day (answer interactions with a quiz_interactions row), more than 0.';
COMMENT ON COLUMN quiz_question_daily.graded IS 'Answers that were graded (quiz_interactions.is_correct not NULL), 0 to answers.';
COMMENT ON COLUMN quiz_question_daily.correct IS 'Graded answers that were correct, 0 to graded; 100 * correct / graded is the share answered correctly.';
COMMENT ON COLUMN quiz_question_daily.time_taken_seconds IS 'Sum of quiz_interactions.time_taken_seconds over the answers, in seconds (0 or more); divided by answers, the mean time per answer.';
COMMENT ON COLUMN quiz_question_daily.scored IS 'Answers with a score (quiz_interactions.score not NULL), 0 to answers.';
COMMENT ON COLUMN quiz_question_daily.score_sum IS 'Sum of the scores of the scored answers, in percent points (0 to 100 * scored); divided by scored, the mean score.';
COMMENT ON COLUMN quiz_question_daily.created_at IS 'When the row was first written.';
COMMENT ON COLUMN quiz_question_daily.updated_at IS 'When the row was last refreshed; maintained by the quiz_question_daily_set_updated_at trigger.';

COMMENT ON INDEX quiz_question_daily_pkey IS 'Primary key (content_id, metric_date, question_id): the rollup upsert ON CONFLICT, and the quiz difficulty report WHERE content_id = $1 AND metric_date >= $2 AND metric_date < $3 (one range scan); covers the content_id foreign key.';

CREATE TABLE aggregated_analytics (
    entity_type   text        NOT NULL,
    entity_id     uuid        NOT NULL,
    metric_name   text        NOT NULL,
    granularity   text        NOT NULL,
    period_start  timestamptz NOT NULL,
    period_end    timestamptz NOT NULL,
    metric_value  numeric     NOT NULL,
    dimensions    jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT aggregated_analytics_pkey PRIMARY KEY (entity_type, entity_id, metric_name, granularity, period_start),
    CONSTRAINT aggregated_analytics_entity_type_valid CHECK (entity_type IN ('user', 'course', 'module', 'content')),
    CONSTRAINT aggregated_analytics_metric_name_format CHECK (metric_name ~ '^[a-z][a-z0-9_]{0,62}$'),
    CONSTRAINT aggregated_analytics_granularity_valid CHECK (granularity IN ('hour', 'day', 'week', 'month')),
    CONSTRAINT aggregated_analytics_period_order CHECK (period_end > period_start),
    CONSTRAINT aggregated_analytics_dimensions_is_object CHECK (jsonb_typeof(dimensions) = 'object')
);

CREATE INDEX aggregated_analytics_metric_period_idx
    ON aggregated_analytics (entity_type, metric_name, granularity, period_start) INCLUDE (entity_id, metric_value);

CREATE TRIGGER aggregated_analytics_set_updated_at
    BEFORE UPDATE ON aggregated_analytics
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

COMMENT ON TABLE aggregated_analytics IS 'Pre-computed time series for dashboards: one value per entity, metric, granularity and period, upserted by the rollup jobs at the end of each period. Holds metrics that do not deserve a table of their own; entity_id is polymorphic, so no foreign key: the nightly job deletes rows of deleted entities.';
COMMENT ON COLUMN aggregated_analytics.entity_type IS 'Kind of entity measured: user, course, module or content; says which table entity_id points into.';
COMMENT ON COLUMN aggregated_analytics.entity_id IS 'Id of the measured entity in the table named by entity_type (not enforced by a foreign key).';
COMMENT ON COLUMN aggregated_analytics.metric_name IS 'Metric identifier in snake_case, e.g. active_learners, completions, watch_seconds.';
COMMENT ON COLUMN aggregated_analytics.granularity IS 'Length of the period: hour, day, week or month.';
COMMENT ON COLUMN aggregated_analytics.period_start IS 'Start of the period (inclusive), a UTC boundary of the granularity.';
COMMENT ON COLUMN aggregated_analytics.period_end IS 'End of the period (exclusive), after period_start.';
COMMENT ON COLUMN aggregated_analytics.metric_value IS 'The value of the metric over the period.';
COMMENT ON COLUMN aggregated_analytics.dimensions IS 'Context of the value as a JSON object (e.g. {"device": "mobile"}); not part of the key, so a breakdown uses its own metric_name.';
COMMENT ON COLUMN aggregated_analytics.created_at IS 'When the value was first computed.';
COMMENT ON COLUMN aggregated_analytics.updated_at IS 'When the value was last recomputed; maintained by the aggregated_analytics_set_updated_at trigger.';

COMMENT ON INDEX aggregated_analytics_pkey IS 'Primary key: the rollup upsert ON CONFLICT, and dashboard series WHERE entity_type = $1 AND entity_id = $2 AND metric_name = $3 AND granularity = $4 AND period_start >= $5 ORDER BY period_start.';
COMMENT ON INDEX aggregated_analytics_metric_period_idx IS 'One metric of every entity over a period: WHERE entity_type = $1 AND metric_name = $2 AND granularity = $3 AND period_start >= $4 AND period_start < $5 (the administrators'' per-course heat map; purging old hour rows). Covering (INCLUDE entity_id, metric_value), so an index-only scan of the period''s rows; the primary key cannot serve it, its entity_id comes before period_start.';


-- The nightly job's content part: content_engagement_metrics and quiz_question_daily for a
-- range of UTC days, recomputed from the interactions of those days.
CREATE FUNCTION refresh_content_daily_metrics(p_from date, p_to date)
RETURNS TABLE (table_name text, rows_written bigint, rows_deleted bigint)
LANGUAGE plpgsql
AS $function$
DECLARE
    v_from     timestamptz;
    v_to       timestamptz;
    v_written  bigint;
    v_deleted  bigint;
BEGIN
    IF p_from IS NULL OR p_to IS NULL THEN
        RAISE EXCEPTION 'refresh_content_daily_metrics: arguments must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_to <= p_from THEN
        RAISE EXCEPTION 'refresh_content_daily_metrics: p_to (%) must be after p_from (%)', p_to, p_from
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Days are UTC days whatever the session TimeZone.
    v_from := p_from::timestamp AT TIME ZONE 'UTC';
    v_to := p_to::timestamp AT TIME ZONE 'UTC';

    -- Per item and day, from every interaction on an item (definitions as in data step 0008):
    -- views, completions, distinct learners, time (video seconds watched plus answering time),
    -- graded answers; for videos, each viewing session's furthest position as a tenth of the
    -- video, counted cumulatively into sessions_reaching.
    CREATE TEMP TABLE refresh_content_daily ON COMMIT DROP AS
    SELECT d.content_id, d.metric_date, d.views, d.completions,
           round(d.seconds / d.learners, 2) AS average_time_seconds,
           round(d.score, 2) AS average_score,
           round(d.wrong, 3) AS difficulty,
           round(50 * least(1, d.completions::numeric / d.learners)
                 + 30 * least(1, d.seconds / d.learners
                                 / coalesce(nullif(coalesce(vc.duration_seconds, ci.estimated_duration_seconds), 0), 600))
                 + 20 * greatest(0, (d.views - d.learners)::numeric / greatest(d.views, 1)), 2) AS engagement_score,
           CASE WHEN ci.content_type = 'video' AND vc.content_id IS NOT NULL
                THEN coalesce(r.sessions_reaching, array_fill(0, ARRAY[11])) END AS sessions_reaching
      FROM (SELECT e.content_id, e.metric_date,
                   count(*) FILTER (WHERE e.interaction_type IN ('view', 'start', 'play'))::integer AS views,
                   count(*) FILTER (WHERE e.interaction_type = 'complete')::integer AS completions,
                   count(DISTINCT e.user_id) AS learners,
                   sum(e.seconds) AS seconds,
                   avg(e.score) AS score,
                   avg(CASE WHEN e.is_correct THEN 0 WHEN NOT e.is_correct THEN 1 END) AS wrong
              FROM (SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date AS metric_date,
                           ui.interaction_type, s.user_id,
                           coalesce(vi.watched_seconds, 0) + coalesce(qi.time_taken_seconds, 0) AS seconds,
                           qi.score, qi.is_correct
                      FROM user_interactions AS ui
                      JOIN user_sessions AS s ON s.id = ui.session_id
                      LEFT JOIN video_interactions AS vi
                        ON vi.interaction_id = ui.id AND vi.interaction_created_at = ui.created_at
                      LEFT JOIN quiz_interactions AS qi
                        ON qi.interaction_id = ui.id AND qi.interaction_created_at = ui.created_at
                     WHERE ui.created_at >= v_from AND ui.created_at < v_to
                       AND ui.content_id IS NOT NULL) AS e
             GROUP BY e.content_id, e.metric_date) AS d
      JOIN content_items AS ci ON ci.id = d.content_id
      LEFT JOIN video_content AS vc ON vc.content_id = d.content_id
      LEFT JOIN (SELECT f.content_id, f.metric_date,
                        ARRAY[count(*),
                              count(*) FILTER (WHERE f.tenth >= 1), count(*) FILTER (WHERE f.tenth >= 2),
                              count(*) FILTER (WHERE f.tenth >= 3), count(*) FILTER (WHERE f.tenth >= 4),
                              count(*) FILTER (WHERE f.tenth >= 5), count(*) FILTER (WHERE f.tenth >= 6),
                              count(*) FILTER (WHERE f.tenth >= 7), count(*) FILTER (WHERE f.tenth >= 8),
                              count(*) FILTER (WHERE f.tenth >= 9), count(*) FILTER (WHERE f.tenth >= 10)]::integer[]
                          AS sessions_reaching
                   FROM (SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date AS metric_date, ui.session_id,
                                least(10, floor(10 * max(vi.position_seconds) / max(vc2.duration_seconds)))::integer
                                  AS tenth
                           FROM user_interactions AS ui
                           JOIN video_interactions AS vi
                             ON vi.interaction_id = ui.id AND vi.interaction_created_at = ui.created_at
                           JOIN video_content AS vc2 ON vc2.content_id = ui.content_id
                          WHERE ui.created_at >= v_from AND ui.created_at < v_to
                          GROUP BY 1, 2, 3) AS f
                  GROUP BY f.content_id, f.metric_date) AS r
        ON r.content_id = d.content_id AND r.metric_date = d.metric_date;

    INSERT INTO content_engagement_metrics AS cem (content_id, metric_date, views, completions, average_time_seconds,
                                                   average_score, difficulty, engagement_score, sessions_reaching)
    SELECT content_id, metric_date, views, completions, average_time_seconds, average_score, difficulty,
           engagement_score, sessions_reaching
      FROM refresh_content_daily
        ON CONFLICT (content_id, metric_date) DO UPDATE
       SET views = EXCLUDED.views, completions = EXCLUDED.completions,
           average_time_seconds = EXCLUDED.average_time_seconds, average_score = EXCLUDED.average_score,
           difficulty = EXCLUDED.difficulty, engagement_score = EXCLUDED.engagement_score,
           sessions_reaching = EXCLUDED.sessions_reaching
     WHERE (cem.views, cem.completions, cem.average_time_seconds, cem.average_score, cem.difficulty,
            cem.engagement_score, cem.sessions_reaching)
           IS DISTINCT FROM (EXCLUDED.views, EXCLUDED.completions, EXCLUDED.average_time_seconds, EXCLUDED.average_score,
                             EXCLUDED.difficulty, EXCLUDED.engagement_score, EXCLUDED.sessions_reaching);
    GET DIAGNOSTICS v_written = ROW_COUNT;
    -- Days whose interactions are gone (a deleted user's history) lose their rows.
    DELETE FROM content_engagement_metrics AS cem
     WHERE cem.metric_date >= p_from AND cem.metric_date < p_to
       AND NOT EXISTS (SELECT 1 FROM refresh_content_daily AS d
                        WHERE d.content_id = cem.content_id AND d.metric_date = cem.metric_date);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    DROP TABLE refresh_content_daily;
    table_name := 'content_engagement_metrics';
    rows_written := v_written;
    rows_deleted := v_deleted;
    RETURN NEXT;

    -- Per quiz, day and question: sums and counts of the answers.
    CREATE TEMP TABLE refresh_quiz_daily ON COMMIT DROP AS
    SELECT ui.content_id, (ui.created_at AT TIME ZONE 'UTC')::date AS metric_date, qi.question_id,
           count(*)::integer AS answers,
           count(qi.is_correct)::integer AS graded,
           (count(*) FILTER (WHERE qi.is_correct))::integer AS correct,
           sum(qi.time_taken_seconds) AS time_taken_seconds,
           count(qi.score)::integer AS scored,
           coalesce(sum(qi.score), 0) AS score_sum
      FROM user_interactions AS ui
      JOIN quiz_interactions AS qi ON qi.interaction_id = ui.id AND qi.interaction_created_at = ui.created_at
     WHERE ui.created_at >= v_from AND ui.created_at < v_to
       AND ui.interaction_type = 'answer' AND ui.content_id IS NOT NULL
     GROUP BY 1, 2, 3;

    INSERT INTO quiz_question_daily AS q (content_id, metric_date, question_id, answers, graded, correct,
                                          time_taken_seconds, scored, score_sum)
    SELECT content_id, metric_date, question_id, answers, graded, correct, time_taken_seconds, scored, score_sum
      FROM refresh_quiz_daily
        ON CONFLICT (content_id, metric_date, question_id) DO UPDATE
       SET answers = EXCLUDED.answers, graded = EXCLUDED.graded, correct = EXCLUDED.correct,
           time_taken_seconds = EXCLUDED.time_taken_seconds, scored = EXCLUDED.scored, score_sum = EXCLUDED.score_sum
     WHERE (q.answers, q.graded, q.correct, q.time_taken_seconds, q.scored, q.score_sum)
           IS DISTINCT FROM (EXCLUDED.answers, EXCLUDED.graded, EXCLUDED.correct, EXCLUDED.time_taken_seconds,
                             EXCLUDED.scored, EXCLUDED.score_sum);
    GET DIAGNOSTICS v_written = ROW_COUNT;
    DELETE FROM quiz_question_daily AS q
     WHERE q.metric_date >= p_from AND q.metric_date < p_to
       AND NOT EXISTS (SELECT 1 FROM refresh_quiz_daily AS d
                        WHERE d.content_id = q.content_id AND d.metric_date = q.metric_date
                          AND d.question_id = q.question_id);
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    DROP TABLE refresh_quiz_daily;
    table_name := 'quiz_question_daily';
    rows_written := v_written;
    rows_deleted := v_deleted;
    RETURN NEXT;
    RETURN;
END;
$function$;

COMMENT ON FUNCTION refresh_content_daily_metrics(date, date) IS
    'The nightly rollup''s content part: recomputes content_engagement_metrics (sessions_reaching included) and quiz_question_daily for the UTC days from p_from (inclusive) to p_to (exclusive) from those days'' interactions, set-based. Idempotent: rows are upserted only where a figure changed, and rows of days with no interactions left are deleted, so running it again (late events, a backfill) writes nothing new. Returns, per table, the rows written (inserted or changed) and deleted. Nightly, after midnight UTC: SELECT * FROM refresh_content_daily_metrics((now() AT TIME ZONE ''UTC'')::date - 1, (now() AT TIME ZONE ''UTC'')::date); a backfill runs it a month at a time.';

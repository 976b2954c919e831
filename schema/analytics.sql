-- Analytics: derived tables written only by the rollup jobs (see
-- docs/schema-design.md, "Analytics tables"), read by dashboards and the
-- reporting queries in docs/queries/.  Everything here can be rebuilt from
-- user_interactions.
-- Depends on: functions.sql (set_updated_at), users.sql, courses.sql, content.sql.
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
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT content_engagement_metrics_pkey PRIMARY KEY (content_id, metric_date),
    CONSTRAINT content_engagement_metrics_content_id_fkey FOREIGN KEY (content_id) REFERENCES content_items (id) ON DELETE CASCADE,
    CONSTRAINT content_engagement_metrics_views_non_negative CHECK (views >= 0),
    CONSTRAINT content_engagement_metrics_completions_non_negative CHECK (completions >= 0),
    CONSTRAINT content_engagement_metrics_average_time_non_negative CHECK (average_time_seconds >= 0),
    CONSTRAINT content_engagement_metrics_average_score_range CHECK (average_score BETWEEN 0 AND 100),
    CONSTRAINT content_engagement_metrics_difficulty_range CHECK (difficulty BETWEEN 0 AND 1),
    CONSTRAINT content_engagement_metrics_engagement_score_range CHECK (engagement_score BETWEEN 0 AND 100)
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
COMMENT ON COLUMN content_engagement_metrics.created_at IS 'When the row was first written.';
COMMENT ON COLUMN content_engagement_metrics.updated_at IS 'When the row was last refreshed; maintained by the content_engagement_metrics_set_updated_at trigger.';

COMMENT ON INDEX content_engagement_metrics_pkey IS 'Primary key (content_id, metric_date): the rollup upsert ON CONFLICT, an item''s trend WHERE content_id = $1 AND metric_date BETWEEN $2 AND $3; covers the content_id foreign key.';
COMMENT ON INDEX content_engagement_metrics_top_daily_idx IS 'Query docs/queries/top_videos_yesterday.sql: WHERE metric_date = yesterday AND views > 10 ORDER BY engagement_score DESC, content_id LIMIT 20, read in index order; partial on views > 10 (a query with a higher threshold can use it too).';


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

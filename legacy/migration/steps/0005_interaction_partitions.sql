-- Monthly partitions of user_interactions for every month the legacy events cover (UTC),
-- and for the current month and the three after it (what the daily maintenance job keeps
-- ahead), before 0006 copies the events: rows never land in the default partition.
-- create_monthly_partitions() is idempotent; the partitions are excluded from schemadiff
-- plans by [tool.schemadiff] exclude = ["public.user_interactions_p[0-9]*"].
--
-- The span comes from the smallest and largest event_time as text (both legacy formats
-- start with an ISO date, so they sort as text in "C" order: no parsing of 5 million
-- values), widened by a month on each side for times written with a zone offset.  The
-- verification checks that the default partition stayed empty.

SELECT count(*) AS partitions_created
  FROM (SELECT (date_trunc('month', legacy.parse_time(min(event_time COLLATE "C")) AT TIME ZONE 'UTC')
                  - interval '1 month')::date AS first_month,
               legacy.parse_time(max(event_time COLLATE "C")) AT TIME ZONE 'UTC' AS last_time
          FROM legacy.user_interactions
         WHERE btrim(event_time) <> '') AS t,
       LATERAL (SELECT ((extract(year FROM t.last_time) - extract(year FROM t.first_month)) * 12
                        + extract(month FROM t.last_time) - extract(month FROM t.first_month) + 1)::integer
                         AS months_after) AS span,
       LATERAL create_monthly_partitions('public.user_interactions', t.first_month, span.months_after) AS p;

SELECT count(*) AS partitions_created
  FROM create_monthly_partitions('public.user_interactions', (now() AT TIME ZONE 'UTC')::date, 3);

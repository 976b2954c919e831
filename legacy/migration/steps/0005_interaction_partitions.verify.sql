-- every month with legacy events has its partition
SELECT month AS month_without_partition
  FROM (SELECT DISTINCT to_char(legacy.parse_time(event_time) AT TIME ZONE 'UTC', 'YYYYMM') AS month
          FROM legacy.user_interactions) AS m
 WHERE to_regclass('public.user_interactions_p' || month) IS NULL;

-- no event landed in the default partition
SELECT count(*) AS rows_in_default_partition
  FROM ONLY public.user_interactions_default
HAVING count(*) > 0;

-- Users.  Legacy email is unique only case-sensitively: 'User41@Example.com' and
-- 'user41@example.com' are two legacy accounts of one mailbox, and the new
-- users_email_lower_key refuses that.  Such accounts merge into the oldest one (lowest
-- legacy id): its email as typed, the highest role of the group, the earliest creation
-- time.  legacy.user_map records every legacy id's new user; later steps and the
-- verification read it, and it is archived with the legacy tables.

SET LOCAL work_mem = '128MB';

CREATE TABLE legacy.user_map AS
SELECT u.id AS legacy_id,
       min(u.id) OVER (PARTITION BY lower(btrim(u.email))) AS survivor_id,
       legacy.user_uuid(min(u.id) OVER (PARTITION BY lower(btrim(u.email)))) AS user_id
  FROM legacy.users AS u;
ALTER TABLE legacy.user_map ADD PRIMARY KEY (legacy_id);
CREATE INDEX ON legacy.user_map (user_id);
COMMENT ON TABLE legacy.user_map IS 'Legacy user id -> new users.id; several legacy ids map to one user when their emails differ only by case.';

INSERT INTO public.users (id, email, full_name, avatar_url, user_role, metadata, created_at, updated_at)
SELECT legacy.user_uuid(s.id),
       btrim(s.email),
       left(coalesce(nullif(btrim(s.name), ''), split_part(btrim(s.email), '@', 1)), 200),
       nullif(btrim(s.avatar), ''),
       g.user_role,
       CASE WHEN jsonb_typeof(legacy.try_jsonb(s.settings)) = 'object' THEN legacy.try_jsonb(s.settings)
            ELSE '{}' END
         || CASE WHEN g.merged > 1 THEN jsonb_build_object('merged_legacy_accounts', g.merged) ELSE '{}' END,
       coalesce(g.created AT TIME ZONE 'UTC', now()),
       coalesce(greatest(g.updated, g.created) AT TIME ZONE 'UTC', now())
  FROM legacy.users AS s
  JOIN (SELECT m.survivor_id,
               count(*) AS merged,
               min(u.created) AS created,
               max(u.updated) AS updated,
               (ARRAY['student', 'instructor', 'admin'])[max(CASE lower(btrim(u.role))
                    WHEN 'admin' THEN 3 WHEN 'teacher' THEN 2 WHEN 'instructor' THEN 2 ELSE 1 END)] AS user_role
          FROM legacy.users AS u
          JOIN legacy.user_map AS m ON m.legacy_id = u.id
         GROUP BY m.survivor_id) AS g ON g.survivor_id = s.id;

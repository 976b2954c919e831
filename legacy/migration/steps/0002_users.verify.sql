-- every legacy user is mapped to a new user that exists
SELECT u.id AS legacy_user_id, m.user_id
  FROM legacy.users AS u
  LEFT JOIN legacy.user_map AS m ON m.legacy_id = u.id
  LEFT JOIN public.users AS n ON n.id = m.user_id
 WHERE n.id IS NULL;

-- every new user comes from a legacy user
SELECT n.id AS user_without_legacy_account, n.email
  FROM public.users AS n
 WHERE NOT EXISTS (SELECT 1 FROM legacy.user_map AS m WHERE m.user_id = n.id);

-- one new user per case-insensitive legacy email
SELECT l.mailboxes AS legacy_mailboxes, n.users AS new_users
  FROM (SELECT count(DISTINCT lower(btrim(email))) AS mailboxes FROM legacy.users) AS l,
       (SELECT count(*) AS users FROM public.users) AS n
 WHERE l.mailboxes <> n.users;

-- each legacy account's new user has its mailbox
SELECT u.id AS legacy_user_id, u.email AS legacy_email, n.email AS new_email
  FROM legacy.users AS u
  JOIN legacy.user_map AS m ON m.legacy_id = u.id
  JOIN public.users AS n ON n.id = m.user_id
 WHERE lower(n.email) <> lower(btrim(u.email));

-- legacy teachers and admins keep their rights
SELECT u.id AS legacy_user_id, u.role AS legacy_role, n.user_role
  FROM legacy.users AS u
  JOIN legacy.user_map AS m ON m.legacy_id = u.id
  JOIN public.users AS n ON n.id = m.user_id
 WHERE (lower(btrim(u.role)) IN ('teacher', 'instructor') AND n.user_role NOT IN ('instructor', 'admin'))
    OR (lower(btrim(u.role)) = 'admin' AND n.user_role <> 'admin');

-- schemadiff: phase=before-contract
--
-- Stage 5: archive the legacy tables, once every copy is verified and before contract
-- (so the contract plan never sees them).  They move to schema archive, never dropped:
-- schema archive is excluded from schemadiff plans ([tool.schemadiff] exclude
-- "archive.*"), and dropping it some day is a decision for people, not for a plan.
-- Moves the helpers and legacy.user_map too (the map answers "which new user was legacy
-- user 41?" for support), then drops the empty schema legacy.

SET LOCAL lock_timeout = '10s';

CREATE SCHEMA IF NOT EXISTS archive;
COMMENT ON SCHEMA archive IS 'Tables retired by migrations, kept read-only for audits and support; never managed by schemadiff plans.';

ALTER TABLE legacy.users SET SCHEMA archive;
ALTER TABLE legacy.user_sessions SET SCHEMA archive;
ALTER TABLE legacy.user_interactions SET SCHEMA archive;
ALTER TABLE legacy.interaction_details SET SCHEMA archive;
ALTER TABLE legacy.user_map SET SCHEMA archive;

ALTER FUNCTION legacy.user_uuid(integer) SET SCHEMA archive;
ALTER FUNCTION legacy.course_uuid(integer) SET SCHEMA archive;
ALTER FUNCTION legacy.module_uuid(integer, integer) SET SCHEMA archive;
ALTER FUNCTION legacy.content_uuid(integer) SET SCHEMA archive;
ALTER FUNCTION legacy.parse_time(text) SET SCHEMA archive;
ALTER FUNCTION legacy.parse_number(text) SET SCHEMA archive;
ALTER FUNCTION legacy.parse_duration(text) SET SCHEMA archive;
ALTER FUNCTION legacy.parse_bool(text) SET SCHEMA archive;
ALTER FUNCTION legacy.try_jsonb(text) SET SCHEMA archive;
ALTER FUNCTION legacy.try_inet(text) SET SCHEMA archive;
ALTER FUNCTION legacy.interaction_type(text) SET SCHEMA archive;

-- Fails (and rolls the step back) if anything is left in it.
DROP SCHEMA legacy;

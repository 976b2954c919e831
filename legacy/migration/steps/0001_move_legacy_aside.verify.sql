-- the four legacy tables are in schema legacy
SELECT t AS table_not_in_legacy
  FROM unnest(ARRAY['users', 'user_sessions', 'user_interactions', 'interaction_details']) AS t
 WHERE to_regclass('legacy.' || t) IS NULL;

-- every legacy event type has a new interaction type
SELECT DISTINCT event_type AS unmapped_event_type
  FROM legacy.user_interactions
 WHERE legacy.interaction_type(event_type) IS NULL;

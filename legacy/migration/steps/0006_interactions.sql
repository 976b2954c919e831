-- Events: legacy.user_interactions joined to its interaction_details row (at most one per
-- event), into the partitioned user_interactions.  Ids and times are kept (the identity
-- column is overridden, then moved past the highest id), so every legacy event can be
-- found again by id.  The legacy event name is kept in metadata ("legacy_event"), since
-- the new vocabulary merges some of them (course_view, page_view and content_view are
-- all "view").  Every migrated event is marked processed: 0008 computes the analytics
-- from all of them, and the rollup job must not count them a second time.

SET LOCAL work_mem = '256MB';

-- Fail early and clearly on an event name the mapping does not know.
DO $$
DECLARE
    unknown text;
BEGIN
    SELECT string_agg(DISTINCT quote_literal(event_type), ', ') INTO unknown
      FROM legacy.user_interactions
     WHERE legacy.interaction_type(event_type) IS NULL;
    IF unknown IS NOT NULL THEN
        RAISE EXCEPTION 'legacy event types without a new interaction type: %', unknown
            USING HINT = 'Add them to legacy.interaction_type() (data step 0001) in a new data step, then run again.';
    END IF;
END;
$$;

INSERT INTO public.user_interactions (id, created_at, session_id, interaction_type, content_id, course_id, metadata,
                                      is_processed)
OVERRIDING SYSTEM VALUE
SELECT i.id,
       legacy.parse_time(i.event_time),
       i.session_id,
       legacy.interaction_type(i.event_type),
       legacy.content_uuid(d.content_id),
       legacy.course_uuid(d.course_id),
       jsonb_strip_nulls(jsonb_build_object('legacy_event', lower(btrim(i.event_type)),
                                            'page_url', i.page_url,
                                            'browser', d.extra ->> 'browser')),
       true
  FROM legacy.user_interactions AS i
  LEFT JOIN legacy.interaction_details AS d ON d.interaction_id = i.id;

SELECT setval(pg_get_serial_sequence('public.user_interactions', 'id'), (SELECT max(id) FROM public.user_interactions));

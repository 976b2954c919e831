-- Shared functions: the updated_at trigger function and the partition
-- maintenance function.  Both are plain PL/pgSQL with no extension.
--
-- Neither body is resolved against tables when it is created (PL/pgSQL only
-- checks syntax at CREATE time), so this file does not depend on the others.

CREATE FUNCTION set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
    -- now() is the transaction start: every row touched by one transaction
    -- gets the same updated_at, which is what audit queries expect.
    NEW.updated_at := now();
    RETURN NEW;
END;
$function$;

COMMENT ON FUNCTION set_updated_at() IS
    'BEFORE UPDATE row trigger: stamps updated_at with the transaction time, so the column is right whatever the client sends. Shared by every table that has updated_at.';


CREATE FUNCTION create_monthly_partitions(p_table regclass, p_from date, p_months_ahead integer)
RETURNS TABLE (partition_name text, rows_moved bigint)
LANGUAGE plpgsql
AS $function$
DECLARE
    -- Foreign keys that reference p_table ($1), one row per constraint, with
    -- ready-to-use column lists.  Only the top-level constraint counts
    -- (conparentid = 0): PostgreSQL clones it once per referenced partition.
    c_refs CONSTANT text := $refs$
        SELECT con.conrelid::regclass AS ref_table,
               'create_monthly_partitions_ref_' || row_number() OVER (ORDER BY con.oid) AS stash,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS fk_cols,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute AS a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS key_cols,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                  FROM pg_attribute AS a
                 WHERE a.attrelid = con.conrelid AND a.attnum > 0
                   AND NOT a.attisdropped AND a.attgenerated = '') AS ref_cols,
               con.conrelid = con.confrelid
                 OR count(*) OVER (PARTITION BY con.conrelid) > 1
                 OR EXISTS (SELECT 1 FROM pg_constraint AS c2
                             WHERE c2.contype = 'f' AND c2.confrelid = con.conrelid) AS unsupported
          FROM pg_constraint AS con
         WHERE con.contype = 'f' AND con.confrelid = $1 AND con.conparentid = 0
         ORDER BY con.oid
    $refs$;
    v_schema    name;
    v_table     name;
    v_key       name;
    v_key_type  regtype;
    v_default   regclass;
    v_cols      text;
    v_month     date;
    v_part      text;
    v_lower     text;
    v_upper     text;
    v_range     text;
    v_moved     bigint;
    v_ref       record;
BEGIN
    IF p_table IS NULL OR p_from IS NULL OR p_months_ahead IS NULL THEN
        RAISE EXCEPTION 'create_monthly_partitions: arguments must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_months_ahead NOT BETWEEN 0 AND 120 THEN
        RAISE EXCEPTION 'create_monthly_partitions: p_months_ahead must be between 0 and 120, got %', p_months_ahead
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- The table must be partitioned by RANGE on one plain column of a date or
    -- timestamp type; partdefid is its DEFAULT partition (0 when it has none).
    SELECT n.nspname, c.relname, a.attname, a.atttypid::regtype, NULLIF(pt.partdefid, 0)::regclass
      INTO v_schema, v_table, v_key, v_key_type, v_default
      FROM pg_partitioned_table AS pt
      JOIN pg_class AS c ON c.oid = pt.partrelid
      JOIN pg_namespace AS n ON n.oid = c.relnamespace
      JOIN pg_attribute AS a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
     WHERE pt.partrelid = p_table
       AND pt.partstrat = 'r'
       AND pt.partnatts = 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'create_monthly_partitions: % is not partitioned by RANGE on a single column', p_table
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF v_key_type NOT IN ('timestamp with time zone'::regtype, 'timestamp without time zone'::regtype, 'date'::regtype) THEN
        RAISE EXCEPTION 'create_monthly_partitions: partition key %.% is %, expected a date or timestamp', p_table, v_key, v_key_type
            USING ERRCODE = 'wrong_object_type';
    END IF;

    -- Columns a row move copies; generated columns are recomputed on insert.
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
      INTO v_cols
      FROM pg_attribute AS a
     WHERE a.attrelid = p_table AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '';

    -- Two maintenance runs must not interleave.  SHARE UPDATE EXCLUSIVE
    -- conflicts with itself but not with reads or writes; ONLY keeps it off
    -- the partitions (where it would queue behind autovacuum).
    EXECUTE format('LOCK TABLE ONLY %s IN SHARE UPDATE EXCLUSIVE MODE', p_table);

    FOR i IN 0 .. p_months_ahead LOOP
        v_month := (date_trunc('month', p_from) + make_interval(months => i))::date;
        v_part := v_table || '_p' || to_char(v_month, 'YYYYMM');
        IF octet_length(v_part) > 63 THEN
            RAISE EXCEPTION 'create_monthly_partitions: partition name % is longer than 63 bytes', v_part
                USING ERRCODE = 'name_too_long';
        END IF;

        -- Idempotent: a partition of this table under this name means the
        -- month is done.  Anything else under that name is an error, never
        -- silently skipped.
        IF to_regclass(format('%I.%I', v_schema, v_part)) IS NOT NULL THEN
            IF NOT EXISTS (SELECT 1
                             FROM pg_inherits AS inh
                            WHERE inh.inhrelid = to_regclass(format('%I.%I', v_schema, v_part))
                              AND inh.inhparent = p_table) THEN
                RAISE EXCEPTION 'create_monthly_partitions: %.% exists but is not a partition of %', v_schema, v_part, p_table
                    USING ERRCODE = 'duplicate_table';
            END IF;
            CONTINUE;
        END IF;

        -- Month boundaries are UTC midnights whatever the session TimeZone,
        -- written as ISO literals so DateStyle cannot change their meaning.
        v_lower := to_char(v_month, 'YYYY-MM-DD');
        v_upper := to_char((v_month + interval '1 month')::date, 'YYYY-MM-DD');
        IF v_key_type = 'timestamp with time zone'::regtype THEN
            v_lower := v_lower || ' 00:00:00+00';
            v_upper := v_upper || ' 00:00:00+00';
        ELSIF v_key_type = 'timestamp without time zone'::regtype THEN
            v_lower := v_lower || ' 00:00:00';
            v_upper := v_upper || ' 00:00:00';
        END IF;
        v_range := format('%1$I >= %2$L::%4$s AND %1$I < %3$L::%4$s', v_key, v_lower, v_upper, v_key_type);

        -- Rows of this month already in the DEFAULT partition would make the
        -- CREATE fail.  Detaching the default is refused while foreign keys
        -- reference its rows, so the rows move instead, in this transaction:
        -- stash them and the rows that reference them, delete both, create
        -- the partition, insert both back (the rows route to the new
        -- partition).  Nothing is lost and no foreign key is ever violated.
        v_moved := 0;
        IF v_default IS NOT NULL THEN
            EXECUTE format('CREATE TEMP TABLE create_monthly_partitions_rows ON COMMIT DROP AS SELECT %s FROM ONLY %s WHERE %s',
                           v_cols, v_default, v_range);
            GET DIAGNOSTICS v_moved = ROW_COUNT;
            IF v_moved = 0 THEN
                DROP TABLE create_monthly_partitions_rows;
            END IF;
        END IF;

        IF v_moved > 0 THEN
            FOR v_ref IN EXECUTE c_refs USING p_table LOOP
                IF v_ref.unsupported THEN
                    RAISE EXCEPTION 'create_monthly_partitions: cannot move % rows of % out of %: % references it in a way this function does not handle (self-reference, several foreign keys, or itself referenced)',
                                    v_moved, to_char(v_month, 'YYYY-MM'), v_default, v_ref.ref_table
                        USING ERRCODE = 'feature_not_supported',
                              HINT = 'Create the partition by hand: move the rows out of the default partition, then run this function again.';
                END IF;
                EXECUTE format('CREATE TEMP TABLE %I ON COMMIT DROP AS SELECT %s FROM %s WHERE (%s) IN (SELECT %s FROM create_monthly_partitions_rows)',
                               v_ref.stash, v_ref.ref_cols, v_ref.ref_table, v_ref.fk_cols, v_ref.key_cols);
                EXECUTE format('DELETE FROM %s WHERE (%s) IN (SELECT %s FROM create_monthly_partitions_rows)',
                               v_ref.ref_table, v_ref.fk_cols, v_ref.key_cols);
            END LOOP;
            EXECUTE format('DELETE FROM ONLY %s WHERE %s', v_default, v_range);
        END IF;

        EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                       v_schema, v_part, p_table, v_lower, v_upper);

        IF v_moved > 0 THEN
            EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM create_monthly_partitions_rows',
                           p_table, v_cols, v_cols);
            FOR v_ref IN EXECUTE c_refs USING p_table LOOP
                EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I',
                               v_ref.ref_table, v_ref.ref_cols, v_ref.ref_cols, v_ref.stash);
                EXECUTE format('DROP TABLE %I', v_ref.stash);
            END LOOP;
            DROP TABLE create_monthly_partitions_rows;
        END IF;

        partition_name := format('%I.%I', v_schema, v_part);
        rows_moved := v_moved;
        RETURN NEXT;
    END LOOP;
    RETURN;
END;
$function$;

COMMENT ON FUNCTION create_monthly_partitions(regclass, date, integer) IS
    'Creates the monthly partitions <table>_pYYYYMM of a table partitioned by RANGE on a date or timestamp column, for the month containing p_from and the p_months_ahead months after it (UTC month boundaries). Idempotent: existing partitions are skipped. Rows already in the DEFAULT partition for a new month are moved into it, together with the rows that reference them. Returns one row per partition created, with the number of rows moved. Run by the monthly maintenance job, e.g. SELECT * FROM create_monthly_partitions(''user_interactions'', current_date, 3).';

-- +goose Up
-- Session numbers come from one PostgreSQL sequence per application,
-- created with the application: nextval takes no lock that lasts to
-- commit, so imports and mints into one application no longer queue. A
-- rolled-back transaction may leave a gap; numbers stay unique and
-- increasing within an application.

-- +goose StatementBegin
CREATE FUNCTION session_sequence(app uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'session_numbers_' || replace(app::text, '-', '')
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION create_session_sequence(app uuid, after bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE SEQUENCE %I AS bigint MINVALUE 1', session_sequence(app));
    IF after > 0 THEN
        PERFORM setval(session_sequence(app), after);
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION next_session_number(app uuid) RETURNS bigint LANGUAGE sql AS $$
    SELECT nextval(session_sequence(app)::regclass)
$$;
-- +goose StatementEnd

SELECT create_session_sequence(application_id, last_session_number) FROM app_counters;

-- +goose Down
DROP FUNCTION next_session_number(uuid);
DROP FUNCTION create_session_sequence(uuid, bigint);
DROP FUNCTION session_sequence(uuid);

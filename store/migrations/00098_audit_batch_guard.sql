-- +goose Up
-- A sealing batch is one statement that commits on its own (no lock is
-- held while the sequencer hashes and signs): it applies only when the
-- tree is still the size the batch was made for and every event it seals
-- was still pending. Otherwise this raises, and the whole statement —
-- events, nodes, checkpoint — is undone; another sequencer sealed first.
-- +goose StatementBegin
CREATE FUNCTION audit_batch_applies(ok boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ok THEN
        RAISE EXCEPTION 'audit tree moved while sealing' USING ERRCODE = '40001';
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_batch_applies(boolean);

-- +goose Up
-- A sealing batch inserts every event and every tree node it makes in one
-- statement, and each row's foreign key to applications was checked by a
-- query of its own: some 1,500 checks for a batch of 500 events, a fifth
-- of the batch's time. The rows are written only by that statement, which
-- applies only when it grows the application's audit_trees row (the
-- audit_batch_applies guard), and that row references the application:
-- no event or node can be sealed for an application that does not exist,
-- and applications are never deleted (deleted_at marks them).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_application_id_fkey;
ALTER TABLE audit_tree_nodes DROP CONSTRAINT audit_tree_nodes_application_id_fkey;

-- +goose Down
ALTER TABLE audit_events ADD CONSTRAINT audit_events_application_id_fkey
    FOREIGN KEY (application_id) REFERENCES applications (application_id);
ALTER TABLE audit_tree_nodes ADD CONSTRAINT audit_tree_nodes_application_id_fkey
    FOREIGN KEY (application_id) REFERENCES applications (application_id);

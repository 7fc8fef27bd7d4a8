-- +goose Up
-- A sender's hold on a delivery is a lease, so that it reads apart from an
-- analyst's claim on a case (case_claims): nobody else sends the delivery
-- before leased_until, and only the holder of lease_token records a failure.
ALTER TABLE webhook_deliveries RENAME COLUMN claimed_until TO leased_until;
ALTER TABLE webhook_deliveries RENAME COLUMN claim_token TO lease_token;

-- +goose Down
ALTER TABLE webhook_deliveries RENAME COLUMN leased_until TO claimed_until;
ALTER TABLE webhook_deliveries RENAME COLUMN lease_token TO claim_token;

-- Resource addresses a run's plan replaces on request (tofu plan -replace=ADDR), as a JSON list; null for none.
ALTER TABLE run ADD COLUMN replace_addrs VARCHAR(4000);

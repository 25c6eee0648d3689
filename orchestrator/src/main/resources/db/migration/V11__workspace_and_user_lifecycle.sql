-- Deleting a workspace and disabling a user. A deleted workspace keeps its row (its runs and their
-- logs stay for the audit) but lets go of its name: deleted_id is 0 while the workspace is live and
-- its own id once it is deleted, so the name is unique among live workspaces only.
-- A disabled user keeps its row, but its API tokens and sessions stop working and it cannot log in.
-- Portable SQL: runs on H2 and PostgreSQL.
ALTER TABLE workspace ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE workspace ADD COLUMN deleted_id BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE workspace DROP CONSTRAINT workspace_name_unique;
ALTER TABLE workspace ADD CONSTRAINT workspace_name_unique UNIQUE (name, deleted_id);

ALTER TABLE app_user ADD COLUMN disabled_at TIMESTAMP WITH TIME ZONE;

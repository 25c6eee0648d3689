-- The provider (a named Proxmox cluster) a workspace's VMs live on; null for templates that need none.
ALTER TABLE workspace ADD COLUMN provider VARCHAR(40);

package dev.baozi.orchestrator.proxmox;

/** A finished vzdump: its task and the volume id of the archive it wrote (what a restore takes as {@code archive}). */
public record Backup(Task task, String volid) {}

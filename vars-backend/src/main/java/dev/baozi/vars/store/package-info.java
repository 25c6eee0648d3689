/** Keeps generated files in OpenBao KV v2 under Clan's layout, committing each generator all at once through its manifest. */
package dev.baozi.vars.store;

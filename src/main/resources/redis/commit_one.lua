-- One forward's commit. KEYS: hash, ops, discarded. ARGV: as commit(K, A) takes them.
return commit(KEYS, ARGV)

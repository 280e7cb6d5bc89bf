-- KEYS: hash, ops, discarded. ARGV: ttlMs, then field/value pairs. Returns 1 when created, 0 when the id exists.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
touch(tonumber(ARGV[1]))
return 1

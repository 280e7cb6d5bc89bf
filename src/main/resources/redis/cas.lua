-- Writes fields only if the session is still at the version (and incarnation) that was read.
-- KEYS: hash, ops, discarded. ARGV: 1 uid, 2 expected version, then field/value pairs. Returns 1, or {0, version}.
local f = redis.call('HMGET', KEYS[1], 'uid', 'ver', 'ttlms')
if not f[1] or f[1] ~= ARGV[1] then return -1 end
if tonumber(f[2]) ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
touch(tonumber(f[3]) or 0)
return 1

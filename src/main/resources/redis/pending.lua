-- A page of pending ops with the total. KEYS: hash, ops, discarded. ARGV: after id, limit.
local f = redis.call('HMGET', KEYS[1], 'dt', 'ttlms', 'coll', 'pat')
if not f[1] then return {-1} end
touch(tonumber(f[2]) or 0)
return {1, redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[2])), redis.call('ZCARD', KEYS[2]), f[1], f[3], f[4]}

-- KEYS: hash, ops, discarded. ARGV: none. Returns {fields, pending count} and refreshes the idle expiry.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {} end
local ttl = redis.call('HGET', KEYS[1], 'ttlms')
touch(tonumber(ttl) or 0)
return {h, redis.call('ZCARD', KEYS[2])}

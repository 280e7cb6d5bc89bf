-- KEYS: hash, ops, discarded. ARGV: 1 "1" to count as use (refresh the idle expiry), "0" to only look.
-- Returns {fields, pending count}.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {} end
if ARGV[1] == '1' then
  local ttl = redis.call('HGET', KEYS[1], 'ttlms')
  touch(tonumber(ttl) or 0)
end
return {h, redis.call('ZCARD', KEYS[2])}

-- Discards pending ops. KEYS: hash, ops, discarded. ARGV: 1 mode (all|through|ids), 2 through-id, 3 now, 4.. ids.
-- Returns {1, version, discarded ids, ids not pending} or {-7, ids that never existed}.
local H, O, D = KEYS[1], KEYS[2], KEYS[3]
local f = redis.call('HMGET', H, 'dt', 'next', 'ver', 'ttlms')
if not f[1] then return {-1} end
setdt(f[1])
local nextId = tonumber(f[2])
local mode = ARGV[1]
local members, notPending = {}, {}
if mode == 'all' then
  members = redis.call('ZRANGE', O, 0, -1)
elseif mode == 'through' then
  local t = tonumber(ARGV[2])
  if t < 1 or t >= nextId then return {-7, {t}} end
  members = redis.call('ZRANGEBYSCORE', O, '-inf', t)
else
  local missing = missing_ids(4, nextId)
  if #missing > 0 then return {-7, missing} end
  for i = 4, #ARGV do
    local id = tonumber(ARGV[i])
    local m = redis.call('ZRANGEBYSCORE', O, id, id)
    if #m > 0 then members[#members + 1] = m[1] else notPending[#notPending + 1] = id end
  end
end
local ver = tonumber(f[3])
local discarded = {}
if #members > 0 then
  local released = 0
  for _, m in ipairs(members) do
    local id = op_id(m)
    discarded[#discarded + 1] = id
    released = released + (#m - 33) / W
    redis.call('ZREM', O, m)
    redis.call('SETBIT', D, id, 1)
  end
  redis.call('HINCRBY', H, 'opd', #discarded)
  redis.call('HINCRBY', H, 'pel', -released)
  ver = ver + 1
  redis.call('HSET', H, 'ver', ver, 'upd', ARGV[3])
end
touch(tonumber(f[4]) or 0)
return {1, ver, discarded, notPending}

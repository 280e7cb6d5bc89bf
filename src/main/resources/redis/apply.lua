-- Applies pending ops in id order, atomically. KEYS: hash, ops, discarded.
-- ARGV: 1 mode (all|coll|through|ids), 2 collection or through-id, 3 now (ms), 4.. ids (sorted, distinct).
-- Returns {1, version, applied ids, already applied ids, variables, dtype} or {negative code, ids}.
local H, O, D = KEYS[1], KEYS[2], KEYS[3]
local f = redis.call('HMGET', H, 'dt', 'next', 'coll', 'ver', 'ttlms')
if not f[1] then return {-1} end
setdt(f[1])
local nextId = tonumber(f[2])
local mode = ARGV[1]
local members, already = {}, {}
if mode == 'all' or (mode == 'coll' and f[3] == ARGV[2]) then
  members = redis.call('ZRANGE', O, 0, -1)
elseif mode == 'through' then
  local t = tonumber(ARGV[2])
  if t < 1 or t >= nextId then return {-7, {t}} end
  members = redis.call('ZRANGEBYSCORE', O, '-inf', t)
elseif mode == 'ids' then
  local missing = missing_ids(4, nextId)
  if #missing > 0 then return {-7, missing} end
  local discarded = {}
  for i = 4, #ARGV do
    local id = tonumber(ARGV[i])
    local m = redis.call('ZRANGEBYSCORE', O, id, id)
    if #m > 0 then
      members[#members + 1] = m[1]
    elseif redis.call('GETBIT', D, id) == 1 then
      discarded[#discarded + 1] = id
    else
      already[#already + 1] = id
    end
  end
  if #discarded > 0 then return {-8, discarded} end
end
local ver = tonumber(f[4])
local applied = {}
if #members > 0 then
  local cur = redis.call('HMGET', H, 'v:movingMean', 'v:movingVariance')
  local mm, mv = decode(cur[1]), decode(cur[2])
  local released = 0
  for _, m in ipairs(members) do
    local value = decode(string.sub(m, 34))
    ema(string.byte(m, 17) == 0 and mm or mv, value, rnd(1.0 - f64(string.sub(m, 18, 25))))
    applied[#applied + 1] = op_id(m)
    released = released + #value
  end
  if not finite(mm) or not finite(mv) then return {-6, {}} end
  redis.call('HSET', H, 'v:movingMean', encode(mm), 'v:movingVariance', encode(mv))
  for _, m in ipairs(members) do redis.call('ZREM', O, m) end
  redis.call('HINCRBY', H, 'opa', #applied)
  redis.call('HINCRBY', H, 'pel', -released)
  ver = ver + 1
  redis.call('HSET', H, 'ver', ver, 'sver', ver, 'upd', ARGV[3])
end
touch(tonumber(f[5]) or 0)
return {1, ver, applied, already, variables(), f[1]}

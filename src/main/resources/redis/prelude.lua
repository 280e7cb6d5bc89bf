-- Shared helpers, prepended to every script. Values are little-endian float32 or float64 arrays;
-- float32 arithmetic is emulated exactly: every operation is done in double and rounded to float.
local F32, W, FMT = false, 8, '<d'
local function setdt(dt)
  if dt == 'float32' then F32, W, FMT = true, 4, '<f' else F32, W, FMT = false, 8, '<d' end
end
local function rnd(x)
  if F32 then return (struct.unpack('<f', struct.pack('<f', x))) end
  return x
end
local function decode(s)
  local t = {}
  for i = 1, #s / W do t[i] = (struct.unpack(FMT, s, (i - 1) * W + 1)) end
  return t
end
-- batch statistics arrive as float64 whatever the dtype (their values are exact in it)
local function decode64(s)
  local t = {}
  for i = 1, #s / 8 do t[i] = (struct.unpack('<d', s, (i - 1) * 8 + 1)) end
  return t
end
local function encode(t)
  local p = {}
  for i = 1, #t do p[i] = struct.pack(FMT, t[i]) end
  return table.concat(p)
end
local function finite(t)
  for i = 1, #t do
    local x = t[i]
    if x ~= x or x == math.huge or x == -math.huge then return false end
  end
  return true
end
-- TensorFlow's assign_moving_average: v <- v - (v - value) * k, each operation rounded
local function ema(v, value, k)
  for i = 1, #v do
    local a = rnd(v[i] - value[i])
    local b = rnd(a * k)
    v[i] = rnd(v[i] - b)
  end
end
local function f64(s) return (struct.unpack('<d', s)) end
-- refreshes the idle expiry of a session's keys (KEYS unless others are given)
local function touch(ttl, keys)
  if ttl > 0 then
    for _, key in ipairs(keys or KEYS) do redis.call('PEXPIRE', key, ttl) end
  end
end
-- an op is stored as a sorted-set member: 16 hex digits of id, variable byte, decay, createdAt, value
local function op_id(m) return tonumber(string.sub(m, 1, 16), 16) end
local function op_member(id, which, decay, created, value)
  return string.format('%016x', id) .. string.char(which) .. decay .. created .. value
end
-- ids in ARGV[first..] that never existed in a session whose next id is nextId
local function missing_ids(first, nextId)
  local missing = {}
  for i = first, #ARGV do
    local id = tonumber(ARGV[i])
    if id < 1 or id >= nextId then missing[#missing + 1] = id end
  end
  return missing
end
local function variables()
  return redis.call('HMGET', KEYS[1], 'vshape:movingMean', 'v:movingMean', 'vshape:movingVariance', 'v:movingVariance',
    'vshape:beta', 'v:beta', 'vshape:gamma', 'v:gamma')
end

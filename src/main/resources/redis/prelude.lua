-- Shared helpers, prepended to every script. Values are little-endian float32 or float64 arrays;
-- float32 arithmetic is emulated exactly: every operation is done in double and rounded to float.
local F32, W, C = false, 8, 'd'
local function setdt(dt)
  if dt == 'float32' then F32, W, C = true, 4, 'f' else F32, W, C = false, 8, 'd' end
end
-- x rounded to float32 (to nearest, ties to even, as C's cast), in arithmetic rather than through
-- struct (a third of the time per value).
-- - From 2^-126 up: Veltkamp's split, p - (p - x) with p = x * (2^29 + 1), keeps the 24 leading
--   bits of x's 53, rounded to nearest. Ties go to even, which RedisScriptFloat32Tests checks for
--   every tie of one binade; every binade behaves the same, since the split's operations scale
--   exactly by powers of two between 2^-126 and 2^128.
-- - Below 2^-126 float32 keeps multiples of 2^-149, and x + c - c with c = 1.5 * 2^-97 rounds to
--   exactly those: x + c stays in c's binade, whose spacing that is, and c is an even multiple of
--   it. A zero keeps x's sign.
-- - What rounds to 2^128 or more becomes an infinity, as in the cast.
local HUGE = math.huge
local SPLIT = 536870913 -- 2^29 + 1
local NORMAL = 2 ^ -126
local SUBNORMAL = 1.5 * 2 ^ -97
local OVERFLOW = 2 ^ 128
local function f32(x)
  local a = x < 0 and -x or x
  if a >= NORMAL then
    if a < OVERFLOW then
      local p = x * SPLIT
      local r = p - (p - x)
      if r < OVERFLOW and r > -OVERFLOW then return r end
    end
    return x * HUGE -- an infinity of x's sign, or NaN for NaN
  end
  if a ~= a then return x end
  local r = (x + SUBNORMAL) - SUBNORMAL
  if r == 0 then return x * 0 end
  return r
end
local function rnd(x)
  if F32 then return f32(x) end
  return x
end
-- Arrays go through struct in runs of at most RUN values (one format string per length): far
-- cheaper than a call per value, and within Lua's limit on the values of one call.
local RUN = 2048
local formats = {f = {}, d = {}}
local function format(c, n)
  local fmt = formats[c][n]
  if not fmt then
    fmt = '<' .. string.rep(c, n)
    formats[c][n] = fmt
  end
  return fmt
end
local function unpack_all(c, w, s)
  local n = math.floor(#s / w)
  if n <= RUN then
    local t = {struct.unpack(format(c, n), s)}
    t[n + 1] = nil -- struct's last result is the position after the values
    return t
  end
  local t = {}
  for first = 1, n, RUN do
    local m = math.min(RUN, n - first + 1)
    local run = {struct.unpack(format(c, m), s, (first - 1) * w + 1)}
    for i = 1, m do t[first + i - 1] = run[i] end
  end
  return t
end
local function decode(s) return unpack_all(C, W, s) end
-- batch statistics arrive as float64 whatever the dtype (their values are exact in it)
local function decode64(s) return unpack_all('d', 8, s) end
local function encode(t)
  local p = {}
  for first = 1, #t, RUN do
    local last = math.min(#t, first + RUN - 1)
    p[#p + 1] = struct.pack(format(C, last - first + 1), unpack(t, first, last))
  end
  return table.concat(p)
end
local function finite(t)
  for i = 1, #t do
    local x = t[i]
    if x ~= x or x == HUGE or x == -HUGE then return false end
  end
  return true
end
-- TensorFlow's assign_moving_average: v <- v - (v - value) * k, each operation rounded
local function ema(v, value, k)
  if F32 then
    for i = 1, #v do
      local x = v[i]
      v[i] = f32(x - f32(f32(x - value[i]) * k))
    end
  else
    for i = 1, #v do v[i] = v[i] - (v[i] - value[i]) * k end
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

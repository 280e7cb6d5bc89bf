-- the fields an in-place update reads besides the session's scalars, and none
local MOVING, NOTHING = {'v:movingMean', 'v:movingVariance'}, {}
-- A computed forward's effect, atomically: commit(K, A) with K the session's keys (hash, ops, discarded)
-- and A its arguments: 1 uid, 2 paramsVersion, 3 statsVersion (-1: not checked), 4 statsVersion the fitted values came from,
-- 5 pattern, 6 mode (none|apply|defer), 7 batch mean, 8 batch variance (float64), 9 now (ms), 10 max ops, 11 max elements,
-- 12 created (8-byte double), then field/value pairs of the variables fitted to the pattern (used when it is not fixed yet).
-- Returns {1, version, first op id or 0, pending delta} or {negative code, detail}.
local function commit(K, A)
  local H, O = K[1], K[2]
  -- an in-place update reads the moving averages in the same call (14, 15); other modes need not
  local f = redis.call('HMGET', H, 'uid', 'pver', 'sver', 'pat', 'dt', 'next', 'pel', 'ver', 'dec', 'ttlms', 'fwd', 'opc', 'opa',
    unpack(A[6] == 'apply' and MOVING or NOTHING))
  if not f[1] or f[1] ~= A[1] then return {-1} end
  setdt(f[5])
  local sver = tonumber(f[3])
  if tonumber(f[2]) ~= tonumber(A[2]) then return {-2} end
  if tonumber(A[3]) >= 0 and sver ~= tonumber(A[3]) then return {-2} end
  local fix = f[4] == ''
  if fix then
    if #A < 13 then return {-9} end -- the caller must send the variables fitted to the pattern
    if sver ~= tonumber(A[4]) then return {-2} end
  elseif f[4] ~= A[5] then
    return {-3, f[4]}
  end
  local mode = A[6]
  local n = #A[7] / 8
  local pel = tonumber(f[7])
  if mode == 'defer' then
    local count = redis.call('ZCARD', O)
    if count + 2 > tonumber(A[10]) then return {-4, count} end
    if pel + 2 * n > tonumber(A[11]) then return {-5, pel} end
  end
  -- every field this forward changes, written with one HSET at the end
  local out = {'fwd', tonumber(f[11]) + 1, 'upd', A[9]}
  local function set(field, value) out[#out + 1] = field; out[#out + 1] = value end
  if fix then
    set('pat', A[5])
    for i = 13, #A, 2 do set(A[i], A[i + 1]) end
  end
  if mode == 'apply' then
    local cur
    if fix then
      local fitted = {}
      for i = 13, #A, 2 do fitted[A[i]] = A[i + 1] end
      cur = {fitted['v:movingMean'], fitted['v:movingVariance']}
    else
      cur = {f[14], f[15]}
    end
    local mm, mv = decode(cur[1]), decode(cur[2])
    local k = rnd(1.0 - f64(f[9]))
    ema(mm, decode64(A[7]), k)
    ema(mv, decode64(A[8]), k)
    if not finite(mm) or not finite(mv) then return {-6} end
    set('v:movingMean', encode(mm))
    set('v:movingVariance', encode(mv))
    set('opc', tonumber(f[12]) + 2)
    set('opa', tonumber(f[13]) + 2)
  end
  local first, delta = 0, 0
  if mode == 'defer' then
    first = tonumber(f[6])
    redis.call('ZADD', O, first, op_member(first, 0, f[9], A[12], encode(decode64(A[7]))),
      first + 1, op_member(first + 1, 1, f[9], A[12], encode(decode64(A[8]))))
    set('next', first + 2)
    set('opc', tonumber(f[12]) + 2)
    set('pel', pel + 2 * n)
    delta = 2
  end
  local ver = tonumber(f[8])
  if fix or mode ~= 'none' then
    ver = ver + 1
    set('ver', ver)
    if mode == 'apply' then set('sver', ver) end
  end
  -- every check passed: install
  redis.call('HSET', H, unpack(out))
  touch(tonumber(f[10]) or 0, K)
  return {1, ver, first, delta}
end

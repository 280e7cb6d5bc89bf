-- wrk script: in-place training forwards (10x2 batch, isTraining true) on batchnorm-service.
--
--   wrk -t2 -c16 -d20s --latency -s forward.lua http://127.0.0.1:PORT -- single bench
--       every request goes to /v1/sessions/bench/forward (all connections contend on one session)
--   wrk -t2 -c16 -d20s --latency -s forward.lua http://127.0.0.1:PORT -- spread bench- 8
--       thread t (0, 1, ...) cycles over its own 8 sessions bench-<t*8+0> .. bench-<t*8+7>, two-digit
--       numbers (bench-00 .. bench-15 for two threads). wrk's Lua API has no connection identity
--       (request() is called per request, per thread), so "one session per connection" is done as
--       "as many sessions per thread as the thread has connections, round-robin": in a closed loop
--       each session has about one request in flight, and no two threads share a session.
--
-- The sessions must exist with "updateOpsCollection": null (in-place updates).
-- Every response is checked: a non-2xx status, or a 2xx whose body does not say
-- "updatesApplied":true, is counted. done() prints one machine-readable line starting "BENCH ".

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local body = '{"inputs": [[9.8, 11.2], [10.4, 8.1], [9.1, 10.7], [10.9, 9.6], [10.2, 10.3], '
  .. '[9.5, 11.8], [10.7, 9.2], [9.9, 10.1], [10.1, 8.8], [9.6, 10.5]], "isTraining": true}'
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

local reqs = {}
local n = 0
local i = 0

function init(args)
  local mode = args[1] or "single"
  local ids = {}
  if mode == "single" then
    ids[1] = args[2] or "bench"
  elseif mode == "spread" then
    local prefix = args[2] or "bench-"
    local per = tonumber(args[3] or "8")
    for k = 0, per - 1 do
      ids[#ids + 1] = string.format("%s%02d", prefix, tid * per + k)
    end
  else
    error("forward.lua: mode must be single or spread, got " .. tostring(mode))
  end
  for k, id in ipairs(ids) do
    reqs[k] = wrk.format("POST", "/v1/sessions/" .. id .. "/forward", headers, body)
  end
  n = #reqs
  -- globals, read back by done() through thread:get
  sessions = table.concat(ids, ",")
  ok2xx = 0
  non2xx = 0
  badbody = 0
  statuses = {}
  sample = ""
end

function request()
  i = i % n + 1
  return reqs[i]
end

function response(status, hdrs, resp)
  if status >= 200 and status < 300 then
    if string.find(resp, '"updatesApplied":true', 1, true) then
      ok2xx = ok2xx + 1
    else
      badbody = badbody + 1
      if sample == "" then sample = string.sub(resp, 1, 200) end
    end
  else
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if sample == "" then sample = string.sub(resp, 1, 200) end
  end
end

function done(summary, latency, requests)
  local good, bad, bodies, samples = 0, 0, 0, ""
  local by_status, names = {}, {}
  for _, t in ipairs(threads) do
    good = good + (t:get("ok2xx") or 0)
    bad = bad + (t:get("non2xx") or 0)
    bodies = bodies + (t:get("badbody") or 0)
    for k, v in pairs(t:get("statuses") or {}) do by_status[k] = (by_status[k] or 0) + v end
    local s = t:get("sample") or ""
    if s ~= "" and samples == "" then samples = s end
    names[#names + 1] = "t" .. tostring(t:get("tid")) .. "=[" .. tostring(t:get("sessions")) .. "]"
  end
  local st = {}
  for k, v in pairs(by_status) do st[#st + 1] = k .. ":" .. v end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f ok=%d non2xx=%d badbody=%d connect=%d read=%d write=%d timeout=%d status=%d statuses=%s\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    good, bad, bodies, e.connect, e.read, e.write, e.timeout, e.status,
    (#st > 0) and table.concat(st, ",") or "-"))
  io.write("BENCH-SESSIONS " .. table.concat(names, " ") .. "\n")
  if samples ~= "" then io.write("BENCH-SAMPLE " .. samples .. "\n") end
end

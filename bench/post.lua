-- wrk script for the bench scripts: POSTs one body file, round-robin over a thread's own sessions.
--
--   wrk ... -s post.lua URL -- PATH CONTENT_TYPE ACCEPT BODY_FILE [ID_PREFIX PER_THREAD [EXPECT]]
--
-- PATH may contain {id}: thread t then cycles over the sessions ID_PREFIX<t*PER_THREAD+k>
-- (two-digit numbers, k = 0 .. PER_THREAD-1). wrk's Lua API has no connection identity, so "one
-- session per connection" is done as "as many sessions per thread as the thread has connections,
-- round-robin": in a closed loop each session has about one request in flight, and no two threads
-- share a session. Without {id} every request goes to PATH. Every response must be 2xx with a
-- non-empty body (containing EXPECT, when given); anything else is counted. done() prints one
-- machine-readable line starting "BENCH ".

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local reqs = {}
local n = 0
local i = 0

function init(args)
  local path, ctype, accept, file = args[1], args[2], args[3], args[4]
  local prefix, per = args[5], tonumber(args[6] or "1")
  expect = args[7]
  local f = assert(io.open(file, "rb"), "post.lua: cannot open " .. tostring(file))
  local body = f:read("*a")
  f:close()
  local headers = { ["Content-Type"] = ctype, ["Accept"] = accept }
  if string.find(path, "{id}", 1, true) then
    for k = 0, per - 1 do
      local id = string.format("%s%02d", prefix, tid * per + k)
      reqs[#reqs + 1] = wrk.format("POST", (string.gsub(path, "{id}", id)), headers, body)
    end
  else
    reqs[1] = wrk.format("POST", path, headers, body)
  end
  n = #reqs
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
    if resp ~= nil and #resp > 0 and (expect == nil or string.find(resp, expect, 1, true)) then
      ok2xx = ok2xx + 1
    else
      badbody = badbody + 1
      if sample == "" then sample = string.sub(resp or "", 1, 200) end
    end
  else
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if sample == "" then sample = string.sub(resp or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local good, bad, bodies, samples = 0, 0, 0, ""
  local by_status = {}
  for _, t in ipairs(threads) do
    good = good + (t:get("ok2xx") or 0)
    bad = bad + (t:get("non2xx") or 0)
    bodies = bodies + (t:get("badbody") or 0)
    for k, v in pairs(t:get("statuses") or {}) do by_status[k] = (by_status[k] or 0) + v end
    local s = t:get("sample") or ""
    if s ~= "" and samples == "" then samples = s end
  end
  local st = {}
  for k, v in pairs(by_status) do st[#st + 1] = k .. ":" .. v end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f ok=%d non2xx=%d badbody=%d connect=%d read=%d write=%d timeout=%d status=%d statuses=%s mbps_in=%.1f\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    good, bad, bodies, e.connect, e.read, e.write, e.timeout, e.status,
    (#st > 0) and table.concat(st, ",") or "-", summary.bytes / secs / 1e6))
  if samples ~= "" then io.write("BENCH-SAMPLE " .. samples .. "\n") end
end

-- Several forwards' commits in one call, in order, each exactly as commit_one would run it alone.
-- KEYS: three per commit (hash, ops, discarded). ARGV: the number of commits, then per commit the
-- count of its arguments followed by them. Returns one reply per commit. A commit that raises an
-- error answers {-100, message} and the others still run; its own changes are those it made before
-- the error, as when commit_one raises one.
local replies, a = {}, 2
for i = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local ok, r = pcall(commit, {KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]}, {unpack(ARGV, a + 1, a + n)})
  if ok then
    replies[i] = r
  else
    replies[i] = {-100, type(r) == 'table' and r.err or tostring(r)}
  end
  a = a + n + 1
end
return replies

-- wrk script: a random funded buyer unlocks a random premium post (10 coins) with a fresh Idempotency-Key. A pair that
-- already unlocked answers 200 and charges nothing: the report counts 201 (charged) and 200 (already unlocked) apart.
dofile("bench/lib/wrk-report.lua")
local dir = os.getenv("BENCH_DIR") or "."

function init(args)
  tokens = lines(dir .. "/buyers.txt")
  posts = lines(dir .. "/premium.txt")
  statuses = {}
  counter = 0
  math.randomseed(tid * 7919 + os.time())
end

function request()
  counter = counter + 1
  local headers = {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. counter .. "-" .. math.random(1000000000),
  }
  return wrk.format("POST", "/api/v1/content/" .. posts[math.random(#posts)] .. "/unlock", headers, "")
end

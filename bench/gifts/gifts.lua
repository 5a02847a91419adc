-- wrk script: each request is a 100-coin gift (a rocket: 85 to the creator, 10 to the platform, 5 to the processor) from a random funded sender to a random creator, with a fresh Idempotency-Key.
-- Reads tokens.txt and creators.txt from the directory in the BENCH_DIR environment variable; prints status counts.
dofile("bench/lib/wrk-report.lua")
local dir = os.getenv("BENCH_DIR") or "."

function init(args)
  tokens = lines(dir .. "/tokens.txt")
  creators = lines(dir .. "/creators.txt")
  counter = 0
  statuses = {}
  math.randomseed(tid * 7919 + os.time())
end

function request()
  counter = counter + 1
  local body = '{"recipientId":"' .. creators[math.random(#creators)] .. '","giftId":"rocket","quantity":1}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. counter .. "-" .. math.random(1000000000),
  }
  return wrk.format("POST", "/api/v1/gifts", headers, body)
end

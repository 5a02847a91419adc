-- wrk script: each request is a 100-coin gift (a rocket: 85 to the creator, 10 to the platform, 5 to the processor) from a random funded sender to a random creator, with a fresh Idempotency-Key.
-- Reads tokens.txt and creators.txt from the directory in the BENCH_DIR environment variable; prints status counts.
local dir = os.getenv("BENCH_DIR") or "."
local threads = {}

local function lines(path)
  local t = {}
  for line in io.lines(path) do if #line > 0 then t[#t + 1] = line end end
  return t
end

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

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

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d: %d\n", status, count)) end
  io.write(string.format("p50_ms %.2f\np99_ms %.2f\nrps %.1f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6)))
end

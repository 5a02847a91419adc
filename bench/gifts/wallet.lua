-- wrk script for the baseline: GET /api/v1/wallet (authentication, rate limit, one indexed read) as a random sender.
local dir = os.getenv("BENCH_DIR") or "."

function init(args)
  tokens = {}
  for line in io.lines(dir .. "/tokens.txt") do if #line > 0 then tokens[#tokens + 1] = line end end
end

function request()
  return wrk.format("GET", "/api/v1/wallet", { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end

-- wrk script: GET the path in BENCH_PATH (default /api/v1/feed) as a random reader from readers.txt.
dofile("bench/lib/wrk-report.lua")
local dir = os.getenv("BENCH_DIR") or "."
local path = os.getenv("BENCH_PATH") or "/api/v1/feed"

function init(args)
  tokens = lines(dir .. "/readers.txt")
  statuses = {}
  math.randomseed(tid * 7919 + os.time())
end

function request()
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end

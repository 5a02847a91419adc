-- wrk script: uploads the JPEG in BENCH_IMAGE as multipart/form-data (one part "file") as a random creator.
dofile("bench/lib/wrk-report.lua")
local dir = os.getenv("BENCH_DIR") or "."

function init(args)
  tokens = lines(dir .. "/creator_tokens.txt")
  statuses = {}
  local f = assert(io.open(os.getenv("BENCH_IMAGE"), "rb"))
  local image = f:read("*a")
  f:close()
  boundary = "----spotlightbench" .. tid
  body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    .. image .. "\r\n--" .. boundary .. "--\r\n"
  math.randomseed(tid * 7919 + os.time())
end

function request()
  return wrk.format("POST", "/api/v1/media", {
    ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }, body)
end

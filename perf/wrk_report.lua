-- Sends GET requests for the paths listed in the file $WRK_PATHS, in turn, and writes
-- wrk's figures as JSON to the file $WRK_REPORT when the run ends.

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local counter = 0
local threads = 0

function setup(thread)
  -- Each thread starts at another place in the list, so the mix is spread at once.
  threads = threads + 1
  thread:set("start", threads * 7)
end

function init(args)
  counter = start or 0
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Accept-Encoding"] = "gzip, br" })
end

function done(summary, latency, requests)
  local report = io.open(os.getenv("WRK_REPORT"), "w")
  report:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
  report:close()
end

-- wrk script: durable postbacks with unique order ids (GET /postback?token=…).
-- Set PROGRAM and TOKEN in the environment; each wrk thread numbers its own orders.
local program = os.getenv("PROGRAM") or "bench"
local token = os.getenv("TOKEN") or "bench-postback-secret"
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("prefix", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = prefix ~= "" and prefix or tostring(math.random(1, 1e9))
end

function request()
  counter = counter + 1
  local path = "/postback?program=" .. program .. "&token=" .. token ..
      "&order_id=" .. prefix .. "-" .. counter .. "&amount=10.00&currency=USD&customer=c" ..
      (counter % 5000)
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("non-2xx: %d\n", non2xx))
end

-- wrk script: checkout pixel hits with unique order ids (GET /px.gif), as a shop's thank-you
-- pages fire them. Each wrk thread numbers its own orders.
local program = os.getenv("PROGRAM") or "bench"
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
  return wrk.format("GET", "/px.gif?program=" .. program .. "&order_id=px-" .. prefix .. "-" ..
      counter .. "&amount=19.90&currency=USD")
end

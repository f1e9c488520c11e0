-- wrk script: requests that each carry a new order id, as checkouts do. MODE picks the route:
--   MODE=postback  GET /postback?token=… (durable server-to-server postbacks) of repeat
--                  customers among 5,000 (customer=c0…c4999)
--   MODE=postback-new  the same with no customer: each order a new customer's
--   MODE=postback-first  the same with customer=f1, f2, …: each the first sale of a customer
--                  who clicked a partner's link (seeded by durable.sh)
--   MODE=pixel     GET /px.gif (checkout pixel hits)
--   MODE=stripe    POST /webhooks/stripe/PROGRAM, the signed events of the file EVENTS
--                  (bench/load/stripe_events.py), each sent once
-- PROGRAM and TOKEN name the program and its postback_secret; each wrk thread numbers its own.
local mode = os.getenv("MODE") or "postback"
local program = os.getenv("PROGRAM") or "bench"
local token = os.getenv("TOKEN") or "bench-postback-secret"
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("prefix", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = prefix ~= "" and prefix or tostring(math.random(1, 1e9))
  if mode == "stripe" then
    load_stripe_events()
  end
end

local events = {}

-- The signed events, formatted once (in init: wrk.headers.Host is set by then).
function load_stripe_events()
  for line in io.lines(os.getenv("EVENTS")) do
    local tab = line:find("\t", 1, true)
    events[#events + 1] = wrk.format("POST", "/webhooks/stripe/" .. program,
        {["Host"] = wrk.headers["Host"], ["Stripe-Signature"] = line:sub(1, tab - 1),
         ["Content-Type"] = "application/json"},
        line:sub(tab + 1))
  end
end

function request()
  counter = counter + 1
  if mode == "stripe" then
    return events[(counter - 1) % #events + 1]  -- past the file: redeliveries (duplicates)
  end
  local order = prefix .. "-" .. counter
  if mode == "pixel" then
    return wrk.format("GET", "/px.gif?program=" .. program .. "&order_id=px-" .. order ..
        "&amount=19.90&currency=USD")
  end
  local target = "/postback?program=" .. program .. "&token=" .. token .. "&order_id=" .. order ..
      "&amount=10.00&currency=USD"
  if mode == "postback" then
    target = target .. "&customer=c" .. (counter % 5000)
  elseif mode == "postback-first" then
    target = target .. "&customer=f" .. counter
  end
  return wrk.format("GET", target)
end

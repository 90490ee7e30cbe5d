-- wrk script for bench/measure.py's checkout run: each request places an order of three lines
-- through POST /api/v1/orders, with an Idempotency-Key no other request of the run uses
-- (the run's nonce, the thread's number, the thread's own counter).
--
--   wrk -t1 -c16 -d10s --latency -s bench/orders.lua http://127.0.0.1:PORT/api/v1/orders -- TOKEN NONCE
--
-- At the end it prints one line, `orders.lua {...}`, with the requests each thread made and the
-- statuses it saw, so the bench can check them against the rows in `orders`.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function init(args)
  local token, nonce = args[1], args[2] or "run"
  if not token then
    error("orders.lua needs the Bearer token as its first argument (after --)")
  end
  prefix = "bench-" .. nonce .. "-" .. tid .. "-"
  made = 0
  created = 0   -- 201: a new order
  replayed = 0  -- 200: an order this key had already placed (must stay 0: every key is new)
  other = 0     -- anything else
  wrk.method = "POST"
  wrk.body = '{"lines":[{"productId":1,"quantity":1},{"productId":2,"quantity":1},'
    .. '{"productId":3,"quantity":1}],"fulfilment":"pickup","paymentMethod":"pay_at_pickup",'
    .. '"recipient":"Bench Buyer","phone":"+57 300 123 4567","storeId":1}'
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  made = made + 1
  wrk.headers["Idempotency-Key"] = prefix .. made
  return wrk.format()
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    replayed = replayed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local made_all, created_all, replayed_all, other_all = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    made_all = made_all + thread:get("made")
    created_all = created_all + thread:get("created")
    replayed_all = replayed_all + thread:get("replayed")
    other_all = other_all + thread:get("other")
  end
  io.write(string.format(
    'orders.lua {"made": %d, "created": %d, "replayed": %d, "other": %d, "completed": %d}\n',
    made_all, created_all, replayed_all, other_all, summary.requests))
end

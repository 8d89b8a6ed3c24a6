-- Appended to a generated header defining `order_ids` (reviewable orders of the token's customer),
-- `thread_count` and `pause_ms`: POST /api/v1/reviews for each order once (thread k of n takes the orders
-- k, k + n, k + 2n, ...), every connection pausing pause_ms before each request, so that the offered rate
-- is at most connections * 1000 / pause_ms per second whatever the latency (wrk is closed-loop otherwise).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local threads = 0
function setup(thread)
  thread:set("slot", threads)
  threads = threads + 1
end

local next_index
function init(args)
  next_index = slot + 1
end

function delay()
  return pause_ms
end

local texts = { "Great work, on time.", "Friendly and tidy.", "Would hire again!", "Fair price, good quality." }
request = function()
  local id = order_ids[next_index] or order_ids[1]  -- past the last order: a repeat, answered 409
  local stars = (next_index % 5) + 1
  next_index = next_index + thread_count
  local body = '{"order_id":' .. id .. ',"stars":' .. stars .. ',"content":"' .. texts[(next_index % #texts) + 1] .. '"}'
  return wrk.format(nil, nil, nil, body)
end

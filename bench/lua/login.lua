-- Appended to a generated header defining `emails` and `password`: each request logs in as the next
-- account, so auth's per-account attempt limit is not what is measured.
local i = 0
request = function()
  i = i + 1
  local email = emails[(i % #emails) + 1]
  local body = '{"email":"' .. email .. '","password":"' .. password .. '"}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

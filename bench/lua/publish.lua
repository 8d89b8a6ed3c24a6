-- POST /api/v1/customer/orders/publish with a fixed valid order (the token comes from -H).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"Bench: fix the kitchen sink","description":"load test order","service_type":"cleaning_repair",' ..
  '"price":120.5,"location":"NORTH","address":"1 Bench Street",' ..
  '"service_start_time":"2030-01-02T09:00:00Z","service_end_time":"2030-01-02T11:00:00Z"}'

-- PUT with no body to the URL given (the token comes from -H): PUT /api/v1/customer/inbox/read-all.
wrk.method = "PUT"

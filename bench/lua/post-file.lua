-- POST a prepared body file with a bearer token. Environment: BODY (file), CTYPE (content type), TOKEN,
-- PREFER (optional Prefer header).
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = os.getenv("CTYPE")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
local prefer = os.getenv("PREFER")
if prefer and prefer ~= "" then
  wrk.headers["Prefer"] = prefer
end

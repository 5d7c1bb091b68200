-- POST a prepared body file with a bearer token. Environment: BODY (file), CTYPE (content type), TOKEN,
-- PREFER (optional Prefer header), HEADER_LENGTH (optional Inference-Header-Content-Length: a binary tensor body).
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
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = header_length
end

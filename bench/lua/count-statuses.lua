-- post-file.lua, counting the answers by status. A 429 without Retry-After is counted apart. At the end one line:
--   statuses 200=N 429=N ... retry-after-missing=N
dofile("bench/lua/post-file.lua")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  retry_after_missing = 0
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 429 and headers["Retry-After"] == nil and headers["retry-after"] == nil then
    retry_after_missing = retry_after_missing + 1
  end
end

function done(summary, latency, requests)
  local total, missing = {}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    missing = missing + thread:get("retry_after_missing")
  end
  local keys = {}
  for status in pairs(total) do table.insert(keys, status) end
  table.sort(keys)
  local line = "statuses"
  for _, status in ipairs(keys) do line = line .. " " .. status .. "=" .. total[status] end
  io.write(line .. " retry-after-missing=" .. missing .. "\n")
end

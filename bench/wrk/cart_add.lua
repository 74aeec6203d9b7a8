-- HTMX "add to cart": a POST with a visitor's session cookie and CSRF header, as htmx sends it.
-- Arguments after "--": the path, the SKU ids (comma-separated), then one "sessionid csrfcookie token"
-- per session. Each request takes the next session and the next SKU in turn, so carts fill the way
-- shoppers' do and no one cart row is locked by every request.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local threads = 0
function setup(thread)
  thread:set("offset", threads * 7)
  threads = threads + 1
end

local path, skus, sessions, sent = nil, {}, {}, 0

function init(args)
  path = args[1]
  for sku in args[2]:gmatch("[^,]+") do
    skus[#skus + 1] = sku
  end
  for i = 3, #args do
    local session, cookie, token = args[i]:match("^(%S+) (%S+) (%S+)$")
    sessions[#sessions + 1] = {
      ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. cookie,
      ["X-CSRFToken"] = token,
    }
  end
end

function request()
  sent = sent + 1
  local n = sent + (offset or 0)
  local session = sessions[n % #sessions + 1]
  local headers = {
    ["Host"] = wrk.headers["Host"],
    ["Cookie"] = session["Cookie"],
    ["X-CSRFToken"] = session["X-CSRFToken"],
    ["HX-Request"] = "true",
    ["Accept-Encoding"] = "gzip",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, "sku=" .. skus[n % #skus + 1] .. "&quantity=1")
end

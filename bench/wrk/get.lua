-- GET the URL wrk was given, with the headers passed after "--", one "Name: value" each
-- (a browser's Accept-Encoding, a signed-in session's Cookie).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

function init(args)
  for _, header in ipairs(args) do
    local name, value = header:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
end

-- wrk script for bench/measure.py's demo-size runs: storefront searches no cache can answer.
-- Each request searches the catalog for a word shoppers type, under a price ceiling no other
-- request of the run uses, so neither the page cache (keyed by URL) nor the catalog cache (keyed
-- by the query) has seen it: every one is rendered from the database, with real results.
--
--   wrk -t1 -c64 -d10s --latency -s bench/search_mix.lua http://127.0.0.1:PORT/products
--
-- LuaJIT (wrk's Lua) has no integer division, hence math.floor.

local words = {"shirt", "wireless", "leather", "boots", "denim", "wool", "bamboo", "canvas",
               "lamp", "jacket", "shoes", "leather+boots", "cotton+shirt", "wireless+headphones"}
local n = 0

request = function()
  n = n + 1
  local q = words[(n % #words) + 1]
  -- 50.00 and up, a cent apart, rising with every request: no address comes twice.
  local ceiling = string.format("%d.%02d", 50 + math.floor(n / 100), n % 100)
  return wrk.format(nil, "/products?q=" .. q .. "&price_max=" .. ceiling)
end

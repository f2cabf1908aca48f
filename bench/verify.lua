-- POST /api/v1/keys/verify with the key in KEYPLANE_BENCH_KEY, or a fresh random well-formed key per request
-- when KEYPLANE_BENCH_KEY is "random" (checksum valid, so each one costs an HMAC and a lookup).
local alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
local key = os.getenv("KEYPLANE_BENCH_KEY")
local verifier = os.getenv("KEYPLANE_BENCH_VERIFIER")

local bit = require("bit") -- wrk embeds LuaJIT (Lua 5.1): no bitwise operators

local function crc32(s)
  local crc = -1
  for i = 1, #s do
    crc = bit.bxor(crc, s:byte(i))
    for _ = 1, 8 do
      local mask = -bit.band(crc, 1)
      crc = bit.bxor(bit.rshift(crc, 1), bit.band(0xEDB88320, mask))
    end
  end
  local n = bit.bnot(crc)
  if n < 0 then n = n + 4294967296 end
  return n
end

local function base62(n, width)
  local out = {}
  for i = width, 1, -1 do
    local r = n % 62
    out[i] = alphabet:sub(r + 1, r + 1)
    n = math.floor(n / 62)
  end
  return table.concat(out)
end

local function random_key()
  local chars = {}
  for i = 1, 43 do
    local r = math.random(1, 62)
    chars[i] = alphabet:sub(r, r)
  end
  local body = "kp_live_" .. table.concat(chars)
  return body .. base62(crc32(body), 6)
end

request = function()
  local k = key == "random" and random_key() or key
  return wrk.format("POST", "/api/v1/keys/verify",
    { ["Authorization"] = "Bearer " .. verifier, ["Content-Type"] = "application/json" },
    '{"key":"' .. k .. '","scopes":["bench:read"],"source_ip":"203.0.113.7"}')
end

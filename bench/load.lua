-- wrk script for bench/run. KEYPLANE_BENCH_MODE picks what each request is:
--   known   POST /api/v1/keys/verify of a random line of KEYPLANE_BENCH_FILE ("verifier key" per line), want VALID
--   unknown POST /api/v1/keys/verify of a fresh random well-formed key (valid checksum), with the verifier of the
--           file's first line, want NOT_FOUND
--   live    GET /q/health/live (the ceiling), want 200 UP
--   create  POST /api/v1/workspaces/{id}/api-keys, thread i as line i of KEYPLANE_BENCH_FILE ("owner workspace"),
--           want 201
-- Every answer is checked; done() prints one JSON line: req/s, p50, p99, p99.9 (ms), errors and wrong answers.
local mode = os.getenv("KEYPLANE_BENCH_MODE")
local file = os.getenv("KEYPLANE_BENCH_FILE")
local alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
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

local pairs_ = {}
for line in (file and io.lines(file) or function() return nil end) do
  local a, b = line:match("^(%S+) (%S+)$")
  pairs_[#pairs_ + 1] = { a, b }
end

local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

local mine -- this thread's line in create mode
local created = 0
wrong = 0
function init(args)
  math.randomseed(os.time() * 1000 + index)
  mine = #pairs_ > 0 and pairs_[((index - 1) % #pairs_) + 1]
end

local json = { ["Content-Type"] = "application/json" }
local function verify_body(key)
  return '{"key":"' .. key .. '","scopes":["bench:read"],"source_ip":"203.0.113.7"}'
end

function request()
  if mode == "live" then
    return wrk.format("GET", "/q/health/live")
  elseif mode == "known" then
    local p = pairs_[math.random(1, #pairs_)]
    json["Authorization"] = "Bearer " .. p[1]
    return wrk.format("POST", "/api/v1/keys/verify", json, verify_body(p[2]))
  elseif mode == "unknown" then
    json["Authorization"] = "Bearer " .. pairs_[1][1]
    return wrk.format("POST", "/api/v1/keys/verify", json, verify_body(random_key()))
  end
  created = created + 1
  json["Authorization"] = "Bearer " .. mine[1]
  return wrk.format("POST", "/api/v1/workspaces/" .. mine[2] .. "/api-keys", json,
    '{"name":"bench-' .. index .. '-' .. created .. '","scopes":["bench:read"]}')
end

local want = ({ live = '"UP"', known = '"code":"VALID"', unknown = '"code":"NOT_FOUND"', create = '"key":"kp_' })[mode]
local want_status = mode == "create" and 201 or 200
function response(status, headers, body)
  if status ~= want_status or not body:find(want, 1, true) then
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local wrong_total = 0
  for _, t in ipairs(threads) do wrong_total = wrong_total + t:get("wrong") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"rps":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"requests":%d,"errors":%d,"wrong":%d}\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, summary.requests, e.connect + e.read + e.write + e.timeout, wrong_total))
end

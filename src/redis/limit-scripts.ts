import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, the name `EVALSHA` runs it by. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

// Every script starts with ARGV[1] = the key prefix (with its hash tag) and ARGV[2] = the caller's
// clock, in ms. Time is always the caller's: windows, leases and blocks are compared with it, so a
// store behaves the same under a fake clock. TTLs only bound memory: they are relative to that
// clock and a margin longer than what they guard, never what decides a limit.
//
// Keys (P = prefix):
//   P s:<scope>          hash: for each limit with a live window, <limit>:s (window start), :e (end),
//                        :u (used), :r (reserved); for each upstream block, <name>:b (until). One
//                        read gives a scope's every counter and block; a limit has one live window
//                        at a time, so the hash never grows past 6 x 4 + 3 fields.
//   P scopes             set of scopes with a hash, for read() of every scope; pruned as it goes
//   P r:<reservationId>  lease record: JSON { s = 'h' held | 'x' expired, n = entries }
//   P leases             zset of held reservation ids by lease end
//   P f:<flushId>        a reconciliation already applied
//   P epoch              an id that changes when the server loses its data (a restart without
//                        persistence): a reservation of another epoch is counted again when it
//                        settles, not forgotten. Tiny, no TTL.
const PRELUDE = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local MARGIN = 60000
local LIMITS = { 'requestsPerMinute', 'tokensPerMinute', 'requestsPerDay', 'tokensPerDay',
  'budgetUsdPerDay', 'budgetUsdPerMonth' }
local UPSTREAM = { 'retryAfter', 'upstreamRequests', 'upstreamTokens' }

-- Numbers go to redis.call as integer strings: some Redis versions print large doubles in
-- exponent form, which commands reject.
local function int(x) return string.format('%d', x) end

local function keep(key, untilMs)
  local ttl = math.ceil(untilMs - now)
  if ttl < 0 then ttl = 0 end
  ttl = ttl + MARGIN
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, int(ttl)) end
end

local function scopeKey(scope) return P .. 's:' .. scope end

-- Each scope's hash is read once per run (HGETALL), changed in Lua, and written back once (one
-- HSET of the changed fields): the script is atomic, so read-modify-write is safe, and a call costs
-- a few commands per scope instead of a few per window.
local cache, dirty, fresh = {}, {}, {}

local function mapOf(scope)
  local map = cache[scope]
  if not map then
    local flat = redis.call('HGETALL', scopeKey(scope))
    map = {}
    for i = 1, #flat, 2 do map[flat[i]] = flat[i + 1] end
    cache[scope] = map
    fresh[scope] = #flat == 0
  end
  return map
end

local function put(scope, field, value)
  cache[scope][field] = value
  local fields = dirty[scope]
  if not fields then
    fields = {}
    dirty[scope] = fields
  end
  fields[field] = true
end

-- Writes what changed. A hash lives until its last window ends or its last block lifts, plus a
-- margin (field x remembers that end, so the TTL is set only when it grows); a new hash joins the
-- scopes set, which drops a few members whose hash has expired each time.
local function flush()
  for scope, fields in pairs(dirty) do
    local map = cache[scope]
    -- Only a changed window end or block can outlast x (the ends already covered by the TTL).
    local x = tonumber(map.x or '0')
    local last = x
    local args = {}
    for field in pairs(fields) do
      args[#args + 1] = field
      args[#args + 1] = map[field]
      local kind = string.sub(field, -2)
      if kind == ':e' or kind == ':b' then
        local at = tonumber(map[field])
        if at > last then last = at end
      end
    end
    local grows = last > x
    if grows then
      map.x = int(last)
      args[#args + 1] = 'x'
      args[#args + 1] = map.x
    end
    redis.call('HSET', scopeKey(scope), unpack(args))
    if grows then redis.call('PEXPIRE', scopeKey(scope), int(math.ceil(last - now) + MARGIN)) end
    if fresh[scope] then
      fresh[scope] = false
      redis.call('SADD', P .. 'scopes', scope)
      keep(P .. 'scopes', last)
      for _, other in ipairs(redis.call('SRANDMEMBER', P .. 'scopes', 3)) do
        if redis.call('EXISTS', scopeKey(other)) == 0 then redis.call('SREM', P .. 'scopes', other) end
      end
    end
  end
  dirty = {}
end

local function number(map, field) return tonumber(map[field] or '0') end

-- The live window of \`limit\`, or a later one another process (its clock a little ahead) opened.
local function liveFrom(map, limit, start)
  local s = map[limit .. ':s']
  return s ~= nil and number(map, limit .. ':e') > now and tonumber(s) >= tonumber(start)
end

local function isLive(map, limit, start)
  return map[limit .. ':s'] == start and number(map, limit .. ':e') > now
end

local function takeReserved(scope, limit, amount)
  local map = mapOf(scope)
  local r = number(map, limit .. ':r') - tonumber(amount)
  if r < 0 then r = 0 end
  put(scope, limit .. ':r', int(r))
end

-- Adds used to a window, opening it when the scope has none or an older one; a use for a window
-- older than the live one is dropped (that window ended).
local function addUsed(scope, limit, start, finish, amount)
  if tonumber(finish) <= now then return end
  local map = mapOf(scope)
  if isLive(map, limit, start) then
    put(scope, limit .. ':u', int(number(map, limit .. ':u') + tonumber(amount)))
  elseif not liveFrom(map, limit, start) then
    put(scope, limit .. ':s', start)
    put(scope, limit .. ':e', finish)
    put(scope, limit .. ':u', int(tonumber(amount)))
    put(scope, limit .. ':r', '0')
  end
end

-- Leases that ended give their reserved amounts back; the record stays, marked expired, so a
-- late settle still counts what the call used (and counts it once).
local function pruneLeases()
  local ids = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', ARGV[2], 'LIMIT', 0, 500)
  for _, id in ipairs(ids) do
    local key = P .. 'r:' .. id
    local raw = redis.call('GET', key)
    if raw then
      local record = cjson.decode(raw)
      if record.s == 'h' then
        for _, e in ipairs(record.n) do
          if isLive(mapOf(e[1]), e[2], e[3]) then takeReserved(e[1], e[2], e[4]) end
        end
        record.s = 'x'
        redis.call('SET', key, cjson.encode(record), 'KEEPTTL')
      end
    end
    redis.call('ZREM', P .. 'leases', id)
  end
end
`;

// ARGV[3] reservation id, [4] lease end, [5] scope count; per scope: scope, requests, tokens,
// costMicroUsd, window count; per window: limit, metric (1 requests, 2 tokens, 3 cost), start,
// end, size. Replies {1, epoch, used, reserved, ...per window} or {0, denial fields x7, ...}.
const RESERVE = `
pruneLeases()
local UPSTREAM_BLOCKS = { { 'retryAfter', 'retryAfter:b', 1 }, { 'upstreamRequests', 'upstreamRequests:b', 1 },
  { 'upstreamTokens', 'upstreamTokens:b', 2 } }
local checks = {}
local i = 6
for s = 1, tonumber(ARGV[5]) do
  local check = { scope = ARGV[i], amounts = { ARGV[i + 1], ARGV[i + 2], ARGV[i + 3] }, windows = {} }
  local count = tonumber(ARGV[i + 4])
  i = i + 5
  for w = 1, count do
    local limit = ARGV[i]
    -- Field names built once per window: this loop is the hot path.
    check.windows[w] = { limit = limit, metric = tonumber(ARGV[i + 1]), start = ARGV[i + 2],
      finish = ARGV[i + 3], size = tonumber(ARGV[i + 4]), fs = limit .. ':s', fe = limit .. ':e',
      fu = limit .. ':u', fr = limit .. ':r' }
    i = i + 5
  end
  checks[s] = check
end

-- The live window, or a later one another process (its clock a little ahead) already opened.
local function live(map, w)
  local s = map[w.fs]
  return s ~= nil and tonumber(map[w.fe]) > now and (s == w.start or tonumber(s) > tonumber(w.start))
end

local denials = {}
local pending = {}
for _, check in ipairs(checks) do
  local map = mapOf(check.scope)
  for _, block in ipairs(UPSTREAM_BLOCKS) do
    local untilMs = map[block[2]]
    if untilMs and tonumber(untilMs) > now then
      for _, v in ipairs({ check.scope, block[1], 0, 0, 0, check.amounts[block[3]], untilMs }) do
        denials[#denials + 1] = v
      end
    end
  end
  -- A scope listed twice sees its own earlier amounts.
  local earlierOf = pending[check.scope]
  if not earlierOf then
    earlierOf = {}
    pending[check.scope] = earlierOf
  end
  for _, w in ipairs(check.windows) do
    local u, r = 0, 0
    if live(map, w) then u, r = tonumber(map[w.fu]), tonumber(map[w.fr]) end
    local earlier = earlierOf[w.limit] or 0
    local requested = tonumber(check.amounts[w.metric])
    earlierOf[w.limit] = earlier + requested
    r = r + earlier
    if u + r + requested > w.size then
      for _, v in ipairs({ check.scope, w.limit, u, r, w.size, requested, w.finish }) do
        denials[#denials + 1] = v
      end
    end
  end
end
if #denials > 0 then
  flush()
  table.insert(denials, 1, 0)
  return denials
end

local epoch = redis.call('GET', P .. 'epoch')
if not epoch then
  epoch = ARGV[3]
  redis.call('SET', P .. 'epoch', epoch)
end
local reply = { 1, epoch }
local entries = {}
local keepUntil = tonumber(ARGV[4])
for _, check in ipairs(checks) do
  local map = mapOf(check.scope)
  for _, w in ipairs(check.windows) do
    local amount = check.amounts[w.metric]
    local start, finish = w.start, w.finish
    if live(map, w) then
      start, finish = map[w.fs], map[w.fe]
      put(check.scope, w.fr, int(tonumber(map[w.fr]) + tonumber(amount)))
    else
      put(check.scope, w.fs, start)
      put(check.scope, w.fe, finish)
      put(check.scope, w.fu, '0')
      put(check.scope, w.fr, amount)
    end
    entries[#entries + 1] = { check.scope, w.limit, start, amount, w.metric, finish }
    reply[#reply + 1] = tonumber(map[w.fu])
    reply[#reply + 1] = tonumber(map[w.fr])
    if tonumber(finish) > keepUntil then keepUntil = tonumber(finish) end
  end
end
flush()
if #entries > 0 then
  local ttl = math.ceil(keepUntil - now) + MARGIN
  redis.call('SET', P .. 'r:' .. ARGV[3], cjson.encode({ s = 'h', n = entries }), 'PX', int(ttl))
  redis.call('ZADD', P .. 'leases', ARGV[4], ARGV[3])
  keep(P .. 'leases', tonumber(ARGV[4]))
end
return reply
`;

// ARGV[3] reservation id, [4..6] actual requests, tokens, costMicroUsd, [7] the epoch it was
// reserved in. Replies 1 when it counted the call, 0 when it was already settled or released, -1
// when its record was lost with the server's data: the caller then adds the use (reconcile).
const SETTLE = `
pruneLeases()
local key = P .. 'r:' .. ARGV[3]
local raw = redis.call('GET', key)
if not raw then
  flush()
  if ARGV[7] ~= '' and redis.call('GET', P .. 'epoch') ~= ARGV[7] then return -1 end
  return 0
end
redis.call('DEL', key)
redis.call('ZREM', P .. 'leases', ARGV[3])
local record = cjson.decode(raw)
local actual = { ARGV[4], ARGV[5], ARGV[6] }
for _, e in ipairs(record.n) do
  local scope, limit, start, amount, metric, finish = e[1], e[2], e[3], e[4], e[5], e[6]
  if record.s == 'h' then
    local map = mapOf(scope)
    if isLive(map, limit, start) then
      takeReserved(scope, limit, amount)
      put(scope, limit .. ':u', int(number(map, limit .. ':u') + tonumber(actual[metric])))
    end
  else
    addUsed(scope, limit, start, finish, actual[metric])
  end
end
flush()
return 1
`;

// ARGV[3] reservation id. A held reservation gives its amounts back; an expired one is forgotten.
const RELEASE = `
pruneLeases()
local key = P .. 'r:' .. ARGV[3]
local raw = redis.call('GET', key)
if raw then
  redis.call('DEL', key)
  redis.call('ZREM', P .. 'leases', ARGV[3])
  local record = cjson.decode(raw)
  if record.s == 'h' then
    for _, e in ipairs(record.n) do
      if isLive(mapOf(e[1]), e[2], e[3]) then takeReserved(e[1], e[2], e[4]) end
    end
  end
end
flush()
return raw and 1 or 0
`;

// ARGV[3] scope, [4] upstream limit, [5] blocked until. Keeps the later of two blocks.
const BLOCK = `
local untilMs = tonumber(ARGV[5])
if untilMs <= now then return 0 end
if untilMs <= number(mapOf(ARGV[3]), ARGV[4] .. ':b') then return 0 end
put(ARGV[3], ARGV[4] .. ':b', ARGV[5])
flush()
return 1
`;

// ARGV[3] scope count (0: every scope), then the scopes. Replies { counters, blocks }: counters as
// scope, limit, start, end, used, reserved; blocks as scope, limit, until.
const READ = `
pruneLeases()
local list = {}
local count = tonumber(ARGV[3])
local every = count == 0
if every then
  list = redis.call('SMEMBERS', P .. 'scopes')
  table.sort(list)
else
  local seen = {}
  for s = 1, count do
    local scope = ARGV[3 + s]
    if not seen[scope] then
      seen[scope] = true
      list[#list + 1] = scope
    end
  end
end
local counters = {}
local blocks = {}
for _, scope in ipairs(list) do
  local map = mapOf(scope)
  if every and next(map) == nil then redis.call('SREM', P .. 'scopes', scope) end
  for _, limit in ipairs(LIMITS) do
    local s = map[limit .. ':s']
    if s and number(map, limit .. ':e') > now then
      for _, x in ipairs({ scope, limit, s, map[limit .. ':e'], map[limit .. ':u'], map[limit .. ':r'] }) do
        counters[#counters + 1] = x
      end
    end
  end
  for _, name in ipairs(UPSTREAM) do
    local b = map[name .. ':b']
    if b and tonumber(b) > now then
      for _, x in ipairs({ scope, name, b }) do blocks[#blocks + 1] = x end
    end
  end
end
flush()
return { counters, blocks }
`;

// ARGV[3] flush id, [4] counter count; per counter: scope, limit, start, end, used. Adds use counted
// while the store was unavailable, once per flush id (a retried flush is not counted twice).
const RECONCILE = `
local count = tonumber(ARGV[4])
local keepUntil = now
for c = 0, count - 1 do
  local finish = tonumber(ARGV[5 + c * 5 + 3])
  if finish > keepUntil then keepUntil = finish end
end
local ttl = math.ceil(keepUntil - now) + MARGIN
if not redis.call('SET', P .. 'f:' .. ARGV[3], '1', 'NX', 'PX', int(ttl)) then return 0 end
for c = 0, count - 1 do
  local base = 5 + c * 5
  addUsed(ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4])
end
flush()
return 1
`;

// Limits set at run time: configuration, not counters, so these two keys have no TTL.
// ARGV[3] scope, [4] its limits as JSON ('' for removed). Replies the write's version.
const WRITE_LIMITS = `
local version = redis.call('INCR', P .. 'limits:version')
redis.call('HSET', P .. 'limits', ARGV[3], cjson.encode({ v = int(version), l = ARGV[4] }))
return version
`;

// Replies every scope's last write, as scope, JSON { v = version, l = limits JSON or '' }.
const READ_LIMITS = `
return redis.call('HGETALL', P .. 'limits')
`;

const PING = `return 1`;

function script(name: string, body: string, prelude = true): LuaScript {
  const source = prelude ? `${PRELUDE}\n${body}` : body;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The Redis limit store's scripts, one per operation; each runs atomically on the server. */
export const LIMIT_SCRIPTS = {
  reserve: script('reserve', RESERVE),
  settle: script('settle', SETTLE),
  release: script('release', RELEASE),
  block: script('block', BLOCK),
  read: script('read', READ),
  reconcile: script('reconcile', RECONCILE),
  writeLimits: script('writeLimits', WRITE_LIMITS),
  readLimits: script('readLimits', READ_LIMITS),
  ping: script('ping', PING, false),
} as const;

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
//   P c:<limit>:<windowStart>:<scope>  hash u (used), r (reserved), e (window end)
//   P i:<scope>                        zset of the scope's counters, `<limit>:<start>:<end>` by end
//   P b:<scope>                        hash upstream limit -> blocked until
//   P scopes                           zset of scopes with live counters or blocks, by last end
//   P r:<reservationId>                lease record: JSON { s = 'h' held | 'x' expired, n = entries }
//   P leases                           zset of held reservation ids by lease end
//   P f:<flushId>                      a reconciliation already applied
//   P epoch                            an id that changes when the server loses its data (a
//                                      restart without persistence): a reservation of another
//                                      epoch is counted again when it settles, not forgotten
const PRELUDE = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local MARGIN = 60000

-- Numbers go to redis.call as integer strings: some Redis versions print large doubles in
-- exponent form, which commands reject.
local function int(x) return string.format('%d', x) end

local function keep(key, untilMs)
  local ttl = math.ceil(untilMs - now)
  if ttl < 0 then ttl = 0 end
  ttl = ttl + MARGIN
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, int(ttl)) end
end

local function counterKey(scope, limit, start)
  return P .. 'c:' .. limit .. ':' .. start .. ':' .. scope
end

local function touchScope(scope, untilMs)
  redis.call('ZADD', P .. 'scopes', 'GT', untilMs, scope)
  keep(P .. 'scopes', tonumber(untilMs))
end

-- Adds used to a counter, creating it (and its index entries) when needed.
local function addUsed(scope, limit, start, finish, amount)
  local key = counterKey(scope, limit, start)
  redis.call('HINCRBY', key, 'u', amount)
  redis.call('HSET', key, 'e', finish)
  keep(key, tonumber(finish))
  redis.call('ZADD', P .. 'i:' .. scope, finish, limit .. ':' .. start .. ':' .. finish)
  keep(P .. 'i:' .. scope, tonumber(finish))
  touchScope(scope, finish)
end

local function takeReserved(key, amount)
  if redis.call('EXISTS', key) == 1 then
    if redis.call('HINCRBY', key, 'r', '-' .. amount) < 0 then redis.call('HSET', key, 'r', 0) end
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
        for _, e in ipairs(record.n) do takeReserved(counterKey(e[1], e[2], e[3]), e[5]) end
        record.s = 'x'
        redis.call('SET', key, cjson.encode(record), 'KEEPTTL')
      end
    end
    redis.call('ZREM', P .. 'leases', id)
  end
end

local function liveCounter(key)
  local v = redis.call('HMGET', key, 'u', 'r', 'e')
  if v[3] and tonumber(v[3]) > now then return tonumber(v[1] or '0'), tonumber(v[2] or '0') end
  return 0, 0
end
`;

// ARGV[3] reservation id, [4] lease end, [5] scope count; per scope: scope, requests, tokens,
// costMicroUsd, window count; per window: limit, metric (1 requests, 2 tokens, 3 cost), start,
// end, size. Replies {1, epoch, used, reserved, ...per window} or {0, denial fields x7, ...}.
const RESERVE = `
pruneLeases()
local UPSTREAM_METRIC = { retryAfter = 1, upstreamRequests = 1, upstreamTokens = 2 }
local checks = {}
local i = 6
for s = 1, tonumber(ARGV[5]) do
  local check = { scope = ARGV[i], amounts = { ARGV[i + 1], ARGV[i + 2], ARGV[i + 3] }, windows = {} }
  local count = tonumber(ARGV[i + 4])
  i = i + 5
  for w = 1, count do
    check.windows[w] = { limit = ARGV[i], metric = tonumber(ARGV[i + 1]), start = ARGV[i + 2],
      finish = ARGV[i + 3], size = tonumber(ARGV[i + 4]) }
    i = i + 5
  end
  checks[s] = check
end

local denials = {}
local pending = {}
local used = {}
for _, check in ipairs(checks) do
  local blocks = redis.call('HGETALL', P .. 'b:' .. check.scope)
  for b = 1, #blocks, 2 do
    if tonumber(blocks[b + 1]) > now then
      local requested = check.amounts[UPSTREAM_METRIC[blocks[b]] or 1]
      for _, v in ipairs({ check.scope, blocks[b], 0, 0, 0, requested, blocks[b + 1] }) do
        denials[#denials + 1] = v
      end
    end
  end
  for _, w in ipairs(check.windows) do
    local key = counterKey(check.scope, w.limit, w.start)
    local u, r = liveCounter(key)
    used[key] = u
    local pendingKey = check.scope .. '\\n' .. w.limit
    local earlier = pending[pendingKey] or 0
    local requested = tonumber(check.amounts[w.metric])
    pending[pendingKey] = earlier + requested
    r = r + earlier
    if u + r + requested > w.size then
      for _, v in ipairs({ check.scope, w.limit, u, r, w.size, requested, w.finish }) do
        denials[#denials + 1] = v
      end
    end
  end
end
if #denials > 0 then
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
  for _, w in ipairs(check.windows) do
    local key = counterKey(check.scope, w.limit, w.start)
    local amount = check.amounts[w.metric]
    local reserved = redis.call('HINCRBY', key, 'r', amount)
    redis.call('HSET', key, 'e', w.finish)
    keep(key, tonumber(w.finish))
    redis.call('ZADD', P .. 'i:' .. check.scope, w.finish, w.limit .. ':' .. w.start .. ':' .. w.finish)
    keep(P .. 'i:' .. check.scope, tonumber(w.finish))
    touchScope(check.scope, w.finish)
    entries[#entries + 1] = { check.scope, w.limit, w.start, w.finish, amount, w.metric }
    reply[#reply + 1] = used[key]
    reply[#reply + 1] = reserved
    if tonumber(w.finish) > keepUntil then keepUntil = tonumber(w.finish) end
  end
end
if #entries > 0 then
  local ttl = math.ceil(keepUntil - now) + MARGIN
  redis.call('SET', P .. 'r:' .. ARGV[3], cjson.encode({ s = 'h', n = entries }), 'PX', int(ttl))
  redis.call('ZADD', P .. 'leases', ARGV[4], ARGV[3])
  keep(P .. 'leases', tonumber(ARGV[4]))
end
keep(P .. 'epoch', keepUntil)
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
  if ARGV[7] ~= '' and redis.call('GET', P .. 'epoch') ~= ARGV[7] then return -1 end
  return 0
end
redis.call('DEL', key)
redis.call('ZREM', P .. 'leases', ARGV[3])
local record = cjson.decode(raw)
local actual = { ARGV[4], ARGV[5], ARGV[6] }
for _, e in ipairs(record.n) do
  if tonumber(e[4]) > now then
    if record.s == 'h' then takeReserved(counterKey(e[1], e[2], e[3]), e[5]) end
    addUsed(e[1], e[2], e[3], e[4], actual[e[6]])
  end
end
return 1
`;

// ARGV[3] reservation id. A held reservation gives its amounts back; an expired one is forgotten.
const RELEASE = `
pruneLeases()
local key = P .. 'r:' .. ARGV[3]
local raw = redis.call('GET', key)
if not raw then return 0 end
redis.call('DEL', key)
redis.call('ZREM', P .. 'leases', ARGV[3])
local record = cjson.decode(raw)
if record.s == 'h' then
  for _, e in ipairs(record.n) do takeReserved(counterKey(e[1], e[2], e[3]), e[5]) end
end
return 1
`;

// ARGV[3] scope, [4] upstream limit, [5] blocked until. Keeps the later of two blocks.
const BLOCK = `
local untilMs = tonumber(ARGV[5])
if untilMs <= now then return 0 end
local key = P .. 'b:' .. ARGV[3]
local current = tonumber(redis.call('HGET', key, ARGV[4]) or '0')
if untilMs <= current then return 0 end
redis.call('HSET', key, ARGV[4], ARGV[5])
keep(key, untilMs)
touchScope(ARGV[3], ARGV[5])
return 1
`;

// ARGV[3] scope count (0: every scope), then the scopes. Replies { counters, blocks }: counters as
// scope, limit, start, end, used, reserved; blocks as scope, limit, until.
const READ = `
pruneLeases()
local scopes = {}
local count = tonumber(ARGV[3])
if count == 0 then
  redis.call('ZREMRANGEBYSCORE', P .. 'scopes', '-inf', ARGV[2])
  scopes = redis.call('ZRANGE', P .. 'scopes', 0, -1)
  table.sort(scopes)
else
  local seen = {}
  for s = 1, count do
    local scope = ARGV[3 + s]
    if not seen[scope] then
      seen[scope] = true
      scopes[#scopes + 1] = scope
    end
  end
end
local counters = {}
local blocks = {}
for _, scope in ipairs(scopes) do
  local index = P .. 'i:' .. scope
  redis.call('ZREMRANGEBYSCORE', index, '-inf', ARGV[2])
  for _, member in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    local limit, start, finish = string.match(member, '^(.-):(%d+):(%d+)$')
    local v = redis.call('HMGET', counterKey(scope, limit, start), 'u', 'r')
    for _, x in ipairs({ scope, limit, start, finish, v[1] or '0', v[2] or '0' }) do
      counters[#counters + 1] = x
    end
  end
  local b = redis.call('HGETALL', P .. 'b:' .. scope)
  for k = 1, #b, 2 do
    if tonumber(b[k + 1]) > now then
      for _, x in ipairs({ scope, b[k], b[k + 1] }) do blocks[#blocks + 1] = x end
    end
  end
end
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
  if tonumber(ARGV[base + 3]) > now then
    addUsed(ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4])
  end
end
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

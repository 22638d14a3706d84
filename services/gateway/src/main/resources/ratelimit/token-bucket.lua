-- Token buckets, checked and taken atomically. KEYS[i] is a bucket; ARGV[3i-2] its capacity, ARGV[3i-1] its refill per
-- second, ARGV[3i] how many tokens the gateway would like to take from it (one for the request, the rest kept as a
-- short local lease). When any bucket has less than one token, nothing is taken and the answer is {seconds to wait,
-- the index of the bucket that waits longest};
-- otherwise each bucket gives what it can, up to what was asked, and the answer is {0, given1, given2, ...}.
-- Time comes from Redis, so every gateway shares one clock.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
local worst = 0
local levels = {}
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1])
  local at = tonumber(state[2])
  if tokens == nil or at == nil then
    tokens = capacity
  else
    tokens = math.min(capacity, tokens + math.max(0, now - at) * rate / 1000)
  end
  levels[i] = tokens
  if tokens < 1 then
    local seconds = math.ceil((1 - tokens) / rate)
    if seconds > wait then
      wait = seconds
      worst = i
    end
  end
end
if wait > 0 then
  return {wait, worst}
end
local given = {0}
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local take = math.max(1, math.min(tonumber(ARGV[3 * i]), math.floor(levels[i])))
  redis.call('HSET', key, 'tokens', tostring(levels[i] - take), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000) + 1000)
  given[i + 1] = take
end
return given

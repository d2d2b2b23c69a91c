/**
 * The Lua scripts behind compare-and-set and increment. Each runs by SHA
 * (EVALSHA) and falls back to sending its source (EVAL, which also caches it)
 * when the server answers NOSCRIPT — after a restart, a failover or SCRIPT FLUSH.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** Lua: splits a stored string into version and body (same rules as entry-format.ts). */
const UNPACK = `
local function unpack_entry(current)
  local version = string.match(current, '^([0-9a-z.]+)\\n')
  if version and #version <= 32 then return version, string.sub(current, #version + 2) end
  return '0', current
end
`;

/** Stores ARGV[2] (a packed entry) with expiry ARGV[3] ms ('' = none) if the version is ARGV[1]; returns 1 or 0. */
const COMPARE_AND_SET = `${UNPACK}
local current = redis.call('GET', KEYS[1])
if not current or unpack_entry(current) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

/**
 * Adds to every counter KEYS[i] the amount ARGV[3i-2] (missing = 0), stores it
 * under version ARGV[3i-1] with expiry ARGV[3i] ms ('' keeps the current
 * expiry) and returns the new values as text: integers exactly, other numbers
 * with 17 significant digits. All or nothing: every key is checked before any
 * is written; a key given twice adds twice.
 */
const INCREMENT = `${UNPACK}
local counts, results = {}, {}
for i, key in ipairs(KEYS) do
  local count = counts[key]
  if count == nil then
    local current = redis.call('GET', key)
    count = 0
    if current then
      local _, body = unpack_entry(current)
      count = tonumber(body)
      if count == nil then return redis.error_reply('NOTNUMBER the value of ' .. key .. ' is not a number') end
    end
  end
  count = count + tonumber(ARGV[3 * i - 2])
  if count ~= count or count == math.huge or count == -math.huge then
    return redis.error_reply('NOTNUMBER the counter ' .. key .. ' is no longer a finite number')
  end
  counts[key] = count
  if count == math.floor(count) and math.abs(count) < 9007199254740992 then
    results[i] = string.format('%d', count)
  else
    results[i] = string.format('%.17g', count)
  end
end
for i, key in ipairs(KEYS) do
  local entry = ARGV[3 * i - 1] .. '\\n' .. results[i]
  if ARGV[3 * i] == '' then redis.call('SET', key, entry, 'KEEPTTL') else redis.call('SET', key, entry, 'PX', ARGV[3 * i]) end
end
return results
`;

/** A Lua script run by SHA with a fallback to its source. */
export class LuaScript {
  /** The script's SHA1, as EVALSHA wants it. */
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script on `keys` with `args`; EVAL when the server does not know the SHA. */
  async run(client: Redis, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Compare-and-set of one entry. */
export const compareAndSet = new LuaScript(COMPARE_AND_SET);

/** Increment of a batch of counters, all or nothing. */
export const increment = new LuaScript(INCREMENT);

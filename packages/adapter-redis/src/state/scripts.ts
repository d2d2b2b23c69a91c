/**
 * The Lua scripts behind compare-and-set and increment. Each runs by SHA
 * (EVALSHA) and falls back to sending its source (EVAL, which also caches it)
 * when the server answers NOSCRIPT — after a restart, a failover or SCRIPT FLUSH.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** Lua: `version` is the stored entry's version, `body` its value bytes (same rules as entry-format.ts). */
const UNPACK = `
local current = redis.call('GET', KEYS[1])
local version, body = nil, current
if current then
  version = string.match(current, '^([0-9a-z.]+)\\n')
  if version and #version <= 32 then body = string.sub(current, #version + 2) else version = '0' end
end
`;

/** Stores ARGV[2] (a packed entry) with expiry ARGV[3] ms ('' = none) if the version is ARGV[1]; returns 1 or 0. */
const COMPARE_AND_SET = `${UNPACK}
if version ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

/**
 * Adds ARGV[1] to the counter (missing = 0), stores it under version ARGV[2]
 * with expiry ARGV[3] ms ('' keeps the current expiry) and returns the new value
 * as text: integers exactly, other numbers with 17 significant digits.
 */
const INCREMENT = `${UNPACK}
local count = 0
if current then
  count = tonumber(body)
  if count == nil then return redis.error_reply('NOTNUMBER the value of this key is not a number') end
end
count = count + tonumber(ARGV[1])
if count ~= count or count == math.huge or count == -math.huge then
  return redis.error_reply('NOTNUMBER the counter is no longer a finite number')
end
local text
if count == math.floor(count) and math.abs(count) < 9007199254740992 then
  text = string.format('%d', count)
else
  text = string.format('%.17g', count)
end
if ARGV[3] == '' then
  redis.call('SET', KEYS[1], ARGV[2] .. '\\n' .. text, 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[2] .. '\\n' .. text, 'PX', ARGV[3])
end
return text
`;

/** A Lua script run by SHA with a fallback to its source. */
export class LuaScript {
  /** The script's SHA1, as EVALSHA wants it. */
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  /** Runs the script on one key with `args`; EVAL when the server does not know the SHA. */
  async run(client: Redis, key: string, args: readonly (string | Buffer)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, 1, key, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return client.eval(this.source, 1, key, ...args);
    }
  }
}

/** Compare-and-set of one entry. */
export const compareAndSet = new LuaScript(COMPARE_AND_SET);

/** Increment of one counter. */
export const increment = new LuaScript(INCREMENT);

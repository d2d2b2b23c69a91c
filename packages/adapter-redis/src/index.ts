/**
 * @switchyard/adapter-redis — Redis state stores and Redis Streams for Switchyard
 * (Redis 6.2+, ElastiCache, Azure Cache for Redis, Memorystore).
 */
export { redis } from "./register.js";
export { RedisStateStore } from "./state/state-store.js";
export type { RedisStateStoreOptions } from "./state/state-store.js";
export { RedisStream } from "./streams/stream.js";
export type { RedisStreamOptions } from "./streams/stream.js";
export { RedisStreamConsumer } from "./streams/consumer.js";
export type { StreamSettings } from "./streams/settings.js";
export { redisErrorCode } from "./errors.js";

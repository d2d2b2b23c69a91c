import { CITIES, distanceKm } from "./geo.js";
import { Random } from "./random.js";
import type { Transaction } from "./schema.js";
import { TimeQueue } from "./time-queue.js";

/** The fraud patterns the generator plants; each fraudulent transaction is labelled with one. */
export type FraudPattern = "burst" | "travel" | "amount";

/** One generated event: a transaction with its ground-truth label, or bytes that do not decode. */
export type GeneratedEvent =
  | { kind: "transaction"; transaction: Transaction; fraud: FraudPattern | undefined }
  | { kind: "corrupt"; bytes: Uint8Array };

/** Options of {@link generateTransactions}. */
export interface GeneratorOptions {
  /** Seed of the pseudo-random sequence; the same seed gives the same events. Default 1. */
  seed?: number;
  /** Number of cards. Default 10,000. */
  cards?: number;
  /** Number of merchants. Default 2,000. */
  merchants?: number;
  /** Chance that a legitimate transaction is followed by a fraud episode on its card. Default 0.004. */
  fraudRate?: number;
  /** Share of events that are corrupt bytes instead of a transaction. Default 0.001. */
  corruptRate?: number;
  /** Time of the first transaction, ms since the epoch. Default 2026-01-05T00:00Z. */
  start?: number;
  /** Mean time between two legitimate transactions of one card, ms. Default 3 hours. */
  cardGapMs?: number;
}

interface Merchant {
  id: number;
  city: number;
  lat: number;
  lon: number;
  mcc: number;
}

interface Card {
  home: number;
  city: number;
  lastPresentTs: number;
  logMu: number;
  logSigma: number;
  notPresentShare: number;
}

type Scheduled = Omit<Transaction, "id"> & { fraud: FraudPattern };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const IN_PERSON_MCC = [5411, 5812, 5541, 5912, 5311, 4111, 5651] as const;
const ONLINE_MCC = [5999, 5732, 5945, 4722, 5815] as const;
const ONLINE_SHARE = 0.2;

/**
 * A deterministic stream of `count` synthetic card events in time order:
 * legitimate spending around each card's home city (with plausible travel),
 * fraud episodes with ground-truth labels — bursts of card-not-present
 * spending, impossible travel, amounts far above the card's habit — and a
 * share of corrupt records that no decoder accepts.
 */
export function* generateTransactions(
  count: number,
  options: GeneratorOptions = {},
): Generator<GeneratedEvent> {
  const rnd = new Random(options.seed ?? 1);
  const fraudRate = options.fraudRate ?? 0.004;
  const corruptRate = options.corruptRate ?? 0.001;
  const cardGapMs = options.cardGapMs ?? 3 * HOUR;
  const { inPerson, online } = makeMerchants(rnd, options.merchants ?? 2_000);
  const cards = makeCards(rnd, options.cards ?? 10_000);
  const scheduled = new TimeQueue<Scheduled>();
  const globalGapMs = cardGapMs / cards.length;
  let clock = options.start ?? Date.UTC(2026, 0, 5);
  let nextLegit = clock;
  let id = 0;

  const draw = (card: Card, logBoost: number): number =>
    Math.max(50, Math.round(Math.exp(card.logMu + logBoost + card.logSigma * rnd.normal())));
  const at = (m: Merchant, cardId: number, ts: number, amountCents: number, present: boolean) => ({
    card: cardId,
    merchant: m.id,
    mcc: m.mcc,
    amountCents,
    cardPresent: present,
    lat: m.lat,
    lon: m.lon,
    ts,
  });

  for (let emitted = 0; emitted < count; emitted++) {
    if (rnd.chance(corruptRate)) {
      yield { kind: "corrupt", bytes: corruptBytes(rnd) };
      continue;
    }
    if (scheduled.peekTime() <= nextLegit) {
      const { fraud, ...tx } = scheduled.pop()!;
      yield { kind: "transaction", transaction: { id: ++id, ...tx }, fraud };
      continue;
    }
    clock = nextLegit;
    nextLegit = clock + Math.max(1, Math.round(rnd.exponential(globalGapMs)));
    const cardId = rnd.int(cards.length);
    const card = cards[cardId]!;
    const present = !rnd.chance(card.notPresentShare);
    if (present) travel(rnd, card, clock);
    const merchant = present ? rnd.pick(inPerson[card.city]!) : rnd.pick(online);
    yield {
      kind: "transaction",
      transaction: { id: ++id, ...at(merchant, cardId, clock, draw(card, 0), present) },
      fraud: undefined,
    };
    if (present) card.lastPresentTs = clock;
    if (!rnd.chance(fraudRate)) continue;

    const pattern = rnd.pick(
      present ? (["burst", "travel", "amount"] as const) : (["burst", "amount"] as const),
    );
    if (pattern === "burst") {
      let ts = clock + MINUTE + Math.round(rnd.exponential(10 * MINUTE));
      for (let n = rnd.between(4, 10); n > 0; n--) {
        ts += 5_000 + Math.round(rnd.exponential(40_000));
        scheduled.push({ ...at(rnd.pick(online), cardId, ts, draw(card, 0.7), false), fraud: pattern });
      }
    } else if (pattern === "travel") {
      let ts = clock + rnd.between(5, 90) * MINUTE;
      const far = farCity(rnd, card.city, (ts - clock) / HOUR);
      for (let n = rnd.between(1, 2); n > 0; n--) {
        scheduled.push({
          ...at(rnd.pick(inPerson[far]!), cardId, ts, draw(card, 0.5), true),
          fraud: pattern,
        });
        ts += rnd.between(5, 30) * MINUTE;
      }
    } else {
      const ts = clock + MINUTE + Math.round(rnd.exponential(30 * MINUTE));
      const cents = Math.round(Math.exp(card.logMu) * (8 + rnd.next() * 22));
      const inStore = rnd.chance(0.5);
      const merchant = inStore ? rnd.pick(inPerson[card.city]!) : rnd.pick(online);
      scheduled.push({ ...at(merchant, cardId, ts, cents, inStore), fraud: pattern });
    }
  }
}

function makeMerchants(rnd: Random, count: number): { inPerson: Merchant[][]; online: Merchant[] } {
  const inPerson: Merchant[][] = CITIES.map(() => []);
  const online: Merchant[] = [];
  for (let id = 0; id < count; id++) {
    // The first merchants cover every city once, so each city has somewhere to shop.
    const city = id < CITIES.length ? id : rnd.int(CITIES.length);
    const c = CITIES[city]!;
    const isOnline = id >= CITIES.length && rnd.chance(ONLINE_SHARE);
    const lat = Math.fround(c.lat + rnd.normal() * 0.08);
    const lon = Math.fround(c.lon + (rnd.normal() * 0.08) / Math.cos((c.lat * Math.PI) / 180));
    const mcc = isOnline ? rnd.pick(ONLINE_MCC) : rnd.pick(IN_PERSON_MCC);
    (isOnline ? online : inPerson[city]!).push({ id, city, lat, lon, mcc });
  }
  return { inPerson, online };
}

function makeCards(rnd: Random, count: number): Card[] {
  const cards: Card[] = [];
  for (let i = 0; i < count; i++) {
    const home = rnd.int(CITIES.length);
    cards.push({
      home,
      city: home,
      lastPresentTs: -Infinity,
      logMu: Math.log(4_000) + rnd.normal() * 0.8,
      logSigma: 0.4 + rnd.next() * 0.5,
      notPresentShare: 0.1 + rnd.next() * 0.3,
    });
  }
  return cards;
}

/** Legitimate travel: the card holder moves only when a flight could have made it since the last swipe. */
function travel(rnd: Random, card: Card, now: number): void {
  const away = card.city !== card.home;
  if (!rnd.chance(away ? 0.08 : 0.02)) return;
  const target = away && rnd.chance(0.5) ? card.home : rnd.int(CITIES.length);
  const from = CITIES[card.city]!;
  const to = CITIES[target]!;
  const flightHours = distanceKm(from.lat, from.lon, to.lat, to.lon) / 700 + 2;
  if (now - card.lastPresentTs >= flightHours * HOUR) card.city = target;
}

/** A city no traveller could reach in `hours`: at least 2,000 km and 1,200 km/h away, else the farthest. */
function farCity(rnd: Random, city: number, hours: number): number {
  const from = CITIES[city]!;
  const minKm = Math.max(2_000, 1_200 * hours);
  const candidates: number[] = [];
  let farthest = city;
  let farthestKm = 0;
  CITIES.forEach((c, i) => {
    const km = distanceKm(from.lat, from.lon, c.lat, c.lon);
    if (km >= minKm) candidates.push(i);
    if (km > farthestKm) [farthest, farthestKm] = [i, km];
  });
  return candidates.length > 0 ? rnd.pick(candidates) : farthest;
}

/** Bytes with every high bit set: the first Avro varint never ends, and they are not UTF-8 JSON either. */
function corruptBytes(rnd: Random): Uint8Array {
  const bytes = new Uint8Array(rnd.between(6, 40));
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 | rnd.int(128);
  return bytes;
}

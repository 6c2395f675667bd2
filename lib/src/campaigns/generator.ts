/**
 * Campaigns of the original demo: 20 French cities, 4 aid organizations, 4 cities per
 * campaign. What the kit fixes: ids never collide (campaign_id * 1e9 + sequence, the
 * campaign id allocated once), timestamps are UTC, and the generator is seedable.
 */
export interface City {
  city: string;
  latitude: number;
  longitude: number;
}

export const CITIES: readonly City[] = [
  { city: 'Amiens', latitude: 49.8941, longitude: 2.3022 },
  { city: 'Moulins', latitude: 46.5644, longitude: 3.3347 },
  { city: 'Béziers', latitude: 43.3442, longitude: 3.215 },
  { city: 'Brest', latitude: 48.3904, longitude: -4.4861 },
  { city: 'Angers', latitude: 47.4784, longitude: -0.5632 },
  { city: 'Caen', latitude: 49.1829, longitude: -0.3707 },
  { city: 'Perpignan', latitude: 42.6887, longitude: 2.8948 },
  { city: 'Nîmes', latitude: 43.8367, longitude: 4.3601 },
  { city: 'La Rochelle', latitude: 46.1603, longitude: -1.1511 },
  { city: 'Bayonne', latitude: 43.4929, longitude: -1.4748 },
  { city: 'Rouen', latitude: 49.4432, longitude: 1.0993 },
  { city: 'Pau', latitude: 43.2951, longitude: -0.3708 },
  { city: 'Versailles', latitude: 48.8014, longitude: 2.1301 },
  { city: 'Orléans', latitude: 47.9029, longitude: 1.9093 },
  { city: 'Limoges', latitude: 45.8336, longitude: 1.2611 },
  { city: 'Tours', latitude: 47.3941, longitude: 0.6848 },
  { city: 'Besançon', latitude: 47.2378, longitude: 6.0241 },
  { city: 'Clermont-Ferrand', latitude: 45.7772, longitude: 3.087 },
  { city: 'Mulhouse', latitude: 47.7508, longitude: 7.3359 },
  { city: 'Avignon', latitude: 43.9493, longitude: 4.8055 },
];

export const ORGANIZATIONS: readonly string[] = ['SmileFund', 'WarmHearts', 'PureJoy', 'SunriseAid'];

export const CITIES_PER_CAMPAIGN = 4;
/** transaction_id = campaign_id * ID_BLOCK + sequence: a campaign can hold 999,999,999 donations. */
export const ID_BLOCK = 1_000_000_000;
/** Largest campaign id whose transaction ids stay exact in a JavaScript number. */
export const MAX_CAMPAIGN_ID = Math.floor(Number.MAX_SAFE_INTEGER / ID_BLOCK) - 1;

/** The JSON fields of the original producer, one message per donation. */
export interface DonationEvent {
  transaction_id: number;
  city: string;
  latitude: number;
  longitude: number;
  organization: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS`, as DATETIME columns take it. */
  transaction_date: string;
  total_amount: number;
  campaign_id: number;
  is_campaign_active: 0 | 1;
}

/** JSON texts of the strings seen so far: a campaign has a few cities and organizations, and one date a second. */
const jsonTexts = new Map<string, string>();
function jsonText(value: string): string {
  let text = jsonTexts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    if (jsonTexts.size >= 4_096) jsonTexts.clear();
    jsonTexts.set(value, text);
  }
  return text;
}

/**
 * A donation as its Kafka message: the same text as JSON.stringify(event), written without
 * walking the object (JSON.stringify was a fifth of the producer's time, npm run bench). An
 * event of another shape than the generator's goes through JSON.stringify.
 */
export function donationJson(event: DonationEvent): string {
  const { transaction_id, city, latitude, longitude, organization, transaction_date, total_amount, campaign_id, is_campaign_active } = event;
  if (
    typeof city !== 'string' || typeof organization !== 'string' || typeof transaction_date !== 'string' ||
    !Number.isFinite(transaction_id) || !Number.isFinite(latitude) || !Number.isFinite(longitude) ||
    !Number.isFinite(total_amount) || !Number.isFinite(campaign_id) || (is_campaign_active !== 0 && is_campaign_active !== 1)
  ) {
    return JSON.stringify(event);
  }
  return `{"transaction_id":${transaction_id},"city":${jsonText(city)},"latitude":${latitude},"longitude":${longitude},"organization":${jsonText(organization)},"transaction_date":${jsonText(transaction_date)},"total_amount":${total_amount},"campaign_id":${campaign_id},"is_campaign_active":${is_campaign_active}}`;
}

/** The state of each generator createRandom made, so that a campaign can go on in another thread. */
const randomStates = new WeakMap<() => number, { get: () => number; set: (state: number) => void }>();

/** A small, fast, seedable PRNG (mulberry32): same seed, same campaign. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  randomStates.set(random, { get: () => state, set: (value) => void (state = value >>> 0) });
  return random;
}

/** Where a campaign stands, as plain data: another thread goes on from it with the same donations. */
export interface CampaignSnapshot {
  id: number;
  seed: number;
  cities: City[];
  startedAt: number;
  sequence: number;
  randomState: number;
}

/** Picks `count` distinct items, like Python's random.sample. */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/** `count` weights summing to 1, each between 1 and 4 parts before normalising: the busiest draws up to 4 times the quietest. */
function unevenWeights(count: number, random: () => number): number[] {
  const parts = Array.from({ length: count }, () => 1 + 3 * random());
  const sum = parts.reduce((a, b) => a + b, 0);
  return parts.map((p) => p / sum);
}

/** The index whose cumulative weight first exceeds `draw` (0..1). */
function pick(weights: readonly number[], draw: number): number {
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i]!;
    if (draw < cumulative) return i;
  }
  return weights.length - 1;
}

export function formatUtc(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export interface CampaignOptions {
  id: number;
  seed?: number;
  cities?: readonly City[];
  startedAt?: Date;
  /** The sequence of the first donation (to resume a campaign after its last id). */
  firstSequence?: number;
  /** The random source for amounts and picks, when not derived from the seed. */
  random?: () => number;
}

export class Campaign {
  readonly id: number;
  readonly seed: number;
  readonly cities: readonly City[];
  readonly startedAt: Date;
  endedAt: Date | undefined;
  /** How often each of the campaign's cities and each organization is picked: seeded, uneven, as real campaigns are. */
  readonly cityWeights: readonly number[];
  readonly organizationWeights: readonly number[];
  private random: () => number;
  private sequence = 0;
  // Formatting a date is the costliest step of an event: reuse it within the same second.
  private formattedSecond = Number.NaN;
  private formattedDate = '';

  constructor(options: CampaignOptions) {
    if (!Number.isSafeInteger(options.id) || options.id < 1 || options.id > MAX_CAMPAIGN_ID) {
      throw new RangeError(`campaign id ${options.id} is out of range 1..${MAX_CAMPAIGN_ID}`);
    }
    this.id = options.id;
    this.seed = options.seed ?? options.id;
    this.random = createRandom(this.seed);
    this.cities = options.cities ?? sample(CITIES, CITIES_PER_CAMPAIGN, this.random);
    // A stream of their own, so that a resumed campaign (given its cities) keeps its weights.
    const weights = createRandom(this.seed ^ 0x5eed5);
    this.cityWeights = unevenWeights(this.cities.length, weights);
    this.organizationWeights = unevenWeights(ORGANIZATIONS.length, weights);
    if (options.random) this.random = options.random;
    this.startedAt = options.startedAt ?? new Date();
    this.sequence = (options.firstSequence ?? 1) - 1;
  }

  /** Where the campaign stands; undefined when its random source is not the seeded one (it cannot be carried over). */
  snapshot(): CampaignSnapshot | undefined {
    const random = randomStates.get(this.random);
    if (!random) return undefined;
    return { id: this.id, seed: this.seed, cities: this.cities.map((c) => ({ ...c })), startedAt: this.startedAt.getTime(), sequence: this.sequence, randomState: random.get() };
  }

  /** The campaign a snapshot describes, going on from the same donation. */
  static fromSnapshot(snapshot: CampaignSnapshot): Campaign {
    const campaign = new Campaign({ id: snapshot.id, seed: snapshot.seed, cities: snapshot.cities, startedAt: new Date(snapshot.startedAt) });
    campaign.catchUp(snapshot);
    return campaign;
  }

  /** Takes over where another copy of this campaign (in another thread) stopped. */
  catchUp(snapshot: CampaignSnapshot): void {
    if (snapshot.id !== this.id || snapshot.seed !== this.seed) throw new RangeError(`campaign ${this.id} cannot take over campaign ${snapshot.id}'s state`);
    const random = randomStates.get(this.random);
    if (!random) throw new RangeError(`campaign ${this.id} has a random source of its own: it cannot take over another copy's state`);
    this.sequence = snapshot.sequence;
    random.set(snapshot.randomState);
  }

  /** Donations generated so far: the next one's sequence number minus one. */
  get generated(): number {
    return this.sequence;
  }

  firstTransactionId(): number {
    return this.id * ID_BLOCK + 1;
  }

  /** The next donation; `at` is its time (now by default). */
  next(at: Date = new Date()): DonationEvent {
    if (this.sequence >= ID_BLOCK - 1) throw new RangeError(`campaign ${this.id} has used all its ${ID_BLOCK - 1} transaction ids`);
    this.sequence += 1;
    const city = this.cities[pick(this.cityWeights, this.random())]!;
    const organization = ORGANIZATIONS[pick(this.organizationWeights, this.random())]!;
    return {
      transaction_id: this.id * ID_BLOCK + this.sequence,
      city: city.city,
      latitude: city.latitude,
      longitude: city.longitude,
      organization,
      transaction_date: this.formatDate(at),
      // The original: round(random.uniform(1.0, 10.0)), whole euros from 1 to 10.
      total_amount: Math.round(1 + this.random() * 9),
      campaign_id: this.id,
      is_campaign_active: 1,
    };
  }

  private formatDate(at: Date): string {
    const second = Math.floor(at.getTime() / 1000);
    if (second !== this.formattedSecond) {
      this.formattedSecond = second;
      this.formattedDate = formatUtc(at);
    }
    return this.formattedDate;
  }

  end(at: Date = new Date()): void {
    this.endedAt = at;
  }
}

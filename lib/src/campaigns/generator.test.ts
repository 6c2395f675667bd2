import { describe, expect, it } from 'vitest';
import { CITIES, Campaign, ID_BLOCK, ORGANIZATIONS, createRandom, donationJson, formatUtc, sample, type DonationEvent } from './generator.js';

describe('campaign data', () => {
  it("keeps the original's 20 cities and 4 organizations", () => {
    expect(CITIES).toHaveLength(20);
    expect(new Set(CITIES.map((c) => c.city)).size).toBe(20);
    expect(CITIES.find((c) => c.city === 'Brest')).toEqual({ city: 'Brest', latitude: 48.3904, longitude: -4.4861 });
    expect(ORGANIZATIONS).toEqual(['SmileFund', 'WarmHearts', 'PureJoy', 'SunriseAid']);
  });

  it('picks 4 distinct cities, the same for the same seed', () => {
    const a = new Campaign({ id: 7, seed: 42 });
    const b = new Campaign({ id: 8, seed: 42 });
    expect(a.cities).toHaveLength(4);
    expect(new Set(a.cities.map((c) => c.city)).size).toBe(4);
    expect(b.cities).toEqual(a.cities);
    expect(new Campaign({ id: 9, seed: 43 }).cities).not.toEqual(a.cities);
  });

  it('makes events with the original JSON fields, UTC dates and whole amounts from 1 to 10', () => {
    const campaign = new Campaign({ id: 3, seed: 1 });
    const at = new Date('2026-03-29T01:30:00Z'); // the night Paris switches to summer time
    const event = campaign.next(at);
    expect(Object.keys(event)).toEqual(['transaction_id', 'city', 'latitude', 'longitude', 'organization', 'transaction_date', 'total_amount', 'campaign_id', 'is_campaign_active']);
    expect(event.transaction_id).toBe(3 * ID_BLOCK + 1);
    expect(event.transaction_date).toBe('2026-03-29 01:30:00');
    expect(event.campaign_id).toBe(3);
    expect(event.is_campaign_active).toBe(1);
    const amounts = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const e = campaign.next(at);
      amounts.add(e.total_amount);
      expect(campaign.cities.map((c) => c.city)).toContain(e.city);
      expect(ORGANIZATIONS).toContain(e.organization);
    }
    expect([...amounts].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('never repeats a transaction id over 1 M events across campaigns', () => {
    const seen = new Set<number>();
    const campaigns = [1, 2, 3, 4].map((id) => new Campaign({ id, seed: 5 }));
    const at = new Date(0);
    for (let i = 0; i < 250_000; i++) for (const campaign of campaigns) seen.add(campaign.next(at).transaction_id);
    expect(seen.size).toBe(1_000_000);
    expect(Number.isSafeInteger(Math.max(...[...seen].slice(-1000)))).toBe(true);
  });

  it('rejects campaign ids whose transaction ids would not be exact', () => {
    expect(() => new Campaign({ id: 0 })).toThrow(RangeError);
    expect(() => new Campaign({ id: 10_000_000 })).toThrow(/out of range/);
  });

  // The date is formatted once per second and reused: every second of a minute keeps its own
  // stamp, or the 35 s and 28 s windows of queries 6 and 7 would count the wrong donations.
  it('stamps each donation with its own second, consecutive events in the same second alike', () => {
    const campaign = new Campaign({ id: 4, seed: 2 });
    const stamps = ['2026-11-25T10:00:00.100Z', '2026-11-25T10:00:00.900Z', '2026-11-25T10:00:01.000Z', '2026-11-25T10:00:35.500Z', '2026-11-25T10:00:59.999Z', '2026-11-25T10:01:00.000Z', '2026-11-25T10:00:59.000Z']
      .map((at) => campaign.next(new Date(at)).transaction_date);
    expect(stamps).toEqual(['2026-11-25 10:00:00', '2026-11-25 10:00:00', '2026-11-25 10:00:01', '2026-11-25 10:00:35', '2026-11-25 10:00:59', '2026-11-25 10:01:00', '2026-11-25 10:00:59']);
  });

  it('formats UTC whatever the local time zone', () => {
    expect(formatUtc(new Date('2026-07-01T23:59:59.999Z'))).toBe('2026-07-01 23:59:59');
  });

  it('samples without repetition and is deterministic', () => {
    const random = createRandom(99);
    const picked = sample([1, 2, 3, 4, 5], 5, random);
    expect([...picked].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(createRandom(1)()).toBe(createRandom(1)());
  });
});

describe('uneven campaigns', () => {
  it('gives cities and organizations seeded, uneven shares, kept when a campaign resumes', () => {
    const campaign = new Campaign({ id: 3, seed: 42 });
    const counts = new Map<string, number>();
    const organizations = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const event = campaign.next(new Date('2026-01-01T00:00:00Z'));
      counts.set(event.city, (counts.get(event.city) ?? 0) + 1);
      organizations.set(event.organization, (organizations.get(event.organization) ?? 0) + 1);
    }
    // Each share follows its weight within 2 points; the busiest city draws clearly more than the quietest.
    campaign.cities.forEach((city, i) => expect(Math.abs(counts.get(city.city)! / 40_000 - campaign.cityWeights[i]!)).toBeLessThan(0.02));
    ORGANIZATIONS.forEach((name, i) => expect(Math.abs(organizations.get(name)! / 40_000 - campaign.organizationWeights[i]!)).toBeLessThan(0.02));
    expect(Math.max(...counts.values()) / Math.min(...counts.values())).toBeGreaterThan(1.3);
    const resumed = new Campaign({ id: 3, seed: 42, cities: campaign.cities, firstSequence: 40_001, random: createRandom(7) });
    expect(resumed.cityWeights).toEqual(campaign.cityWeights);
    expect(resumed.organizationWeights).toEqual(campaign.organizationWeights);
    expect(new Campaign({ id: 3, seed: 43 }).cityWeights).not.toEqual(campaign.cityWeights);
  });
});

describe('donationJson', () => {
  it("writes the text JSON.stringify writes, for every campaign's events", () => {
    for (const seed of [1, 7, 42]) {
      const campaign = new Campaign({ id: seed, seed });
      const at = new Date('2026-12-02T10:00:00Z');
      for (let i = 0; i < 5_000; i++) {
        const event = campaign.next(new Date(at.getTime() + i * 250));
        expect(donationJson(event)).toBe(JSON.stringify(event));
      }
    }
  });

  it('escapes strings as JSON.stringify does, and hands events of another shape to it', () => {
    const event = new Campaign({ id: 3, seed: 3 }).next(new Date('2026-12-02T10:00:00Z'));
    const odd = [
      { ...event, city: 'Saint-"Étienne"\\\n\t\u0001' },
      { ...event, organization: 'Aide 🧡 </script>' },
      { ...event, latitude: null },
      { ...event, longitude: Number.NaN },
      { ...event, transaction_id: '12' },
      { ...event, total_amount: -0 },
      { ...event, total_amount: 1e21 },
      { ...event, is_campaign_active: true },
      { ...event, transaction_date: undefined },
    ] as unknown as DonationEvent[];
    for (const e of odd) expect(donationJson(e)).toBe(JSON.stringify(e));
  });
});

describe('a campaign carried to another thread', () => {
  it('goes on from its snapshot with the same donations, and takes the other copy’s state back', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    const here = new Campaign({ id: 12, seed: 99 });
    for (let i = 0; i < 1_000; i++) here.next(at);
    const there = Campaign.fromSnapshot(structuredClone(here.snapshot()!));
    const reference = new Campaign({ id: 12, seed: 99 });
    for (let i = 0; i < 1_000; i++) reference.next(at);
    for (let i = 0; i < 500; i++) expect(there.next(at)).toEqual(reference.next(at));
    here.catchUp(there.snapshot()!);
    expect(here.generated).toBe(1_500);
    expect(here.next(at)).toEqual(reference.next(at));
  });

  it('has no snapshot with a random source of its own, and refuses another campaign’s state', () => {
    expect(new Campaign({ id: 3, random: () => 0.5 }).snapshot()).toBeUndefined();
    expect(() => new Campaign({ id: 3, seed: 3 }).catchUp(new Campaign({ id: 4, seed: 3 }).snapshot()!)).toThrow(/cannot take over campaign 4/);
  });
});

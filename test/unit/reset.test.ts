// Which topics `npm run reset` deletes: the kit's, whatever the donations topic is called, and no one else's.
import { describe, expect, it } from 'vitest';
import { isKitTopic } from '../../infra/reset.js';

describe('isKitTopic', () => {
  it("takes the donations topic, its smoke tests' topic, the quick start's and the tests'", () => {
    for (const topic of ['donations', 'test', 'messages', 'kit-test-1a2b']) expect(isKitTopic(topic, 'donations')).toBe(true);
    for (const topic of ['donations-x', 'donations-x-test']) expect(isKitTopic(topic, 'donations-x')).toBe(true);
  });

  it('leaves every other topic alone', () => {
    for (const topic of ['orders', 'donations-test', '__consumer_offsets', 'my-kit-topic']) expect(isKitTopic(topic, 'donations')).toBe(false);
    expect(isKitTopic('donations', 'donations-x')).toBe(false);
  });
});

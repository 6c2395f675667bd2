import { describe, expect, it } from 'vitest';
import { lessonTestTopic } from './lesson.js';

describe('the smoke tests topic of a lesson', () => {
  it("is the original's `test` beside the default donations topic", () => {
    expect(lessonTestTopic('donations')).toBe('test');
  });

  it('is named after any other donations topic, so that a run on a topic of its own leaves no `test` behind', () => {
    expect(lessonTestTopic('kit-test-nb-1a2b3c')).toBe('kit-test-nb-1a2b3c-test');
    expect(lessonTestTopic('donations-eu')).toBe('donations-eu-test');
  });
});

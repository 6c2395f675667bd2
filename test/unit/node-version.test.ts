// The Node releases the kit supports come from package.json's engines, and `npm run up`
// names an unsupported one in one line.
import { describe, expect, it } from 'vitest';
import { nodeSatisfies, supportedNodeRange, unsupportedNodeLine } from '../../infra/node-version.js';

describe('supported Node releases', () => {
  it('are 22, 24 and 26, and 20 from 20.12 while it still runs', () => {
    const range = supportedNodeRange();
    for (const version of ['v20.12.0', 'v20.20.2', 'v22.0.0', 'v22.23.3', 'v24.21.0', 'v26.12.1']) expect(nodeSatisfies(version, range), version).toBe(true);
    for (const version of ['v18.20.8', 'v20.11.1', 'v21.7.3', 'v23.11.0', 'v25.2.0', 'v27.0.0']) expect(nodeSatisfies(version, range), version).toBe(false);
  });

  it('include every Node that CI runs this test on', () => {
    expect(unsupportedNodeLine()).toBeUndefined();
  });

  it('an unsupported one gets one line naming it and what to install', () => {
    const line = unsupportedNodeLine('v18.20.8', '^20.12 || ^22 || ^24 || ^26');
    expect(line).toBe('node v18.20.8 is outside the releases the kit supports (^20.12 || ^22 || ^24 || ^26): use Node 26, 24 or 22, the LTS releases CI tests.');
    expect(line).not.toContain('\n');
  });

  it('refuses an engines range it cannot read rather than guess', () => {
    expect(() => nodeSatisfies('v24.0.0', '>=20')).toThrow('">=20" is not ^MAJOR or ^MAJOR.MINOR');
  });
});

// What makes an executed notebook fail: error outputs, JavaScript errors on stderr, and
// stderr the lesson did not intend (a warning from Node or a dependency).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findErrorCells } from '../../infra/jupyter.js';

const fixture = fileURLToPath(new URL('fixtures/executed-notebook.ipynb', import.meta.url));

describe('findErrorCells', () => {
  it('reports unintended stderr, errors on stderr and error outputs, and lets tagged stderr pass', () => {
    expect(findErrorCells(fixture)).toEqual([
      'In [2] `await checkKafka(config.kafka);` wrote to stderr (tag the cell "stderr-intended" if the lesson means it): ' +
        '(node:5917) TimeoutNegativeWarning: -1795685916646 is a negative number. Timeout duration was set to 1. (Use `node --trace-warnings ...` to show where the warning was created)',
      'TypeError: config.kafka is undefined     at <anonymous>',
      'SetupError: Kafka does not answer at 127.0.0.1:9092',
    ]);
  });
});

/**
 * `npm run bench`: the kit against the true limits and the peers users would pick, side by
 * side in one run, on the same broker, database and donations. Not part of `npm test`.
 * Writes out/bench/results.{json,md}, out/bench/scale.svg and CPU profiles in
 * out/bench/profiles; BENCHMARKS.md keeps the method and the latest figures.
 *   producer   the kit's producer vs kcat, the same JSON lines
 *   ingest     raw LOAD DATA of a ready file (the database's limit) vs the kit's pipeline
 *              (Kafka to table, exactly once), with and without the totals of lesson 09
 *   peers      Kafka Connect + Debezium's JDBC sink vs the kit's pipeline: rows/s, and
 *              lost/duplicated rows after a kill -9 mid-load
 *   e2e        produce and load at once, in one process, as notebook 05 does
 *   freshness  produce-to-visible under a steady 5k events/s
 *   queries    naive vs optimized layout vs totals, 7 panels at once, 0.1 M to 10 M rows
 *   live-writes  the kit's layout while rows arrive: into the campaign the panels read, into
 *              another campaign, and through the producer and the pipeline, as lesson 07
 * Every measured run of the kit's code runs in a fresh process (infra/bench/worker.ts).
 * Each part runs from its own file in infra/bench/ (producer.ts, ingest.ts, peers.ts, e2e.ts,
 * freshness.ts, queries.ts, live-writes.ts); infra/bench/cli.ts reads the options and runs them.
 */
import { runScript } from './services.js';
import { main } from './bench/cli.js';

await runScript(main);

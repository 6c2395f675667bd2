/**
 * For maintainers, after editing infra/connect/runtime-pom.xml or sink-pom.xml:
 *   npx tsx infra/connect/lock-jars.ts
 * Maven resolves each pom's runtime closure (checking Maven Central's checksums) and this
 * writes the jars' coordinates and SHA-256 to runtime.lock.json and sink.lock.json, which
 * `npm run bench -- --only peers` fetches and verifies as `npm run up` does Kafka's: no Maven.
 */
import { join } from 'node:path';
import { writeJarLock } from '../kafka/lock-jars.js';
import { ROOT, runScript } from '../services.js';
import { isMainModule } from '../cli.js';

/** The two closures the bench's Connect worker needs: the worker's classpath, and the sink's plugin folder. */
export const CONNECT_LOCKS = {
  runtime: { pom: join(ROOT, 'infra/connect/runtime-pom.xml'), lock: join(ROOT, 'infra/connect/runtime.lock.json'), mustHave: 'org.apache.kafka:connect-runtime:' },
  sink: { pom: join(ROOT, 'infra/connect/sink-pom.xml'), lock: join(ROOT, 'infra/connect/sink.lock.json'), mustHave: 'io.debezium:debezium-connector-jdbc:' },
} as const;

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    for (const { pom, lock, mustHave } of Object.values(CONNECT_LOCKS)) {
      writeJarLock({ pom, lockFile: lock, mustHave, about: 'Jars of the Kafka Connect peer `npm run bench` starts (infra/bench/connect.ts). Resolved by `npx tsx infra/connect/lock-jars.ts`; do not edit by hand.' });
    }
  });
}

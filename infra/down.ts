/** `npm run down`: stops only what `npm run up` started. Data stays; `npm run reset` empties it. */
import { composeDown } from './docker.js';
import { stopProcess } from './local-services.js';
import { loadKitConfig, readStartedServices, recordStartedService, runScript, type ServiceName } from './services.js';
import { isMainModule } from './cli.js';

export async function down(): Promise<void> {
  const config = loadKitConfig();
  const started = readStartedServices(config);
  const names = Object.keys(started) as ServiceName[];
  if (names.length === 0) {
    console.log('nothing to stop: `npm run up` started no service');
    return;
  }
  if (names.some((name) => started[name]?.mode === 'docker')) await composeDown();
  // The database first: Kafka clients of a running pipeline then stop on their own.
  for (const name of ['mariadb', 'kafka', 'grafana', 'singlestore'] as ServiceName[]) {
    const state = started[name];
    if (state?.mode === 'local' && state.pid) {
      await stopProcess(state.pid, name);
      console.log(`${name}: stopped (pid ${state.pid})`);
    }
    recordStartedService(config, name, undefined);
  }
}

if (isMainModule(import.meta.url)) {
  await runScript(down);
}

/**
 * The dev container's set-up (.devcontainer/devcontainer.json: GitHub Codespaces, VS Code Dev
 * Containers), on the kit's local path, no Docker inside:
 *
 *   tsx infra/devcontainer.ts system   as root (infra/devcontainer-setup.sh): Java 17, MariaDB and
 *                                      python3-venv from apt, by the code `npm run up` and `npm run lab`
 *                                      install them with as root on Debian
 *   npm run devcontainer -- kit        Kafka's jars and JupyterLab's venv with the tslab kernel, as the
 *                                      first `npm run up` and `npm run lab` fetch them
 */
import { SetupError } from '@donations/lib';
import { isMainModule } from './cli.js';
import { ensurePythonForVenv, ensureJupyter } from './jupyter.js';
import { canInstallPackages, ensureJava, ensureMariadb, installLocalKafkaJars } from './local-services.js';
import { findPythonForVenv } from './platform.js';
import { runScript } from './services.js';

/** Each requirement of the README's Debian row, by the function that finds it or installs it. */
export const SYSTEM_STEPS = { java: ensureJava, mariadb: ensureMariadb, python: ensurePythonForVenv };

/** What `npm run up` and `npm run lab` would otherwise fetch on first use. */
export const KIT_STEPS = { kafkaJars: installLocalKafkaJars, jupyter: ensureJupyter };

export async function devcontainerSetup(step: 'system' | 'kit'): Promise<void> {
  if (step === 'system' && !canInstallPackages()) throw new SetupError('the system step installs with apt-get: run it as root on Debian or Ubuntu (sudo)');
  for (const [name, run] of Object.entries(step === 'system' ? SYSTEM_STEPS : KIT_STEPS)) {
    console.log(`dev container, ${step}: ${name}`);
    await run();
  }
  // ensurePythonForVenv reports rather than throws (JupyterLab can fall back): here it must be there.
  const python = findPythonForVenv();
  if (step === 'system' && !python.python) throw new SetupError(`no Python with venv after apt-get: ${python.problem}`);
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const step = process.argv[2];
    if (step !== 'system' && step !== 'kit') throw new SetupError('usage: tsx infra/devcontainer.ts system|kit');
    await devcontainerSetup(step);
  });
}

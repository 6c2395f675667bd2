/** The Docker path of `npm run up`: docker compose with the kit's compose file. */
import { spawnSync } from 'node:child_process';
import { $ } from 'zx';
import { SetupError, readEnvironment, targetOf, type KitConfig } from '@donations/lib';
import { ROOT, isLocalHost, type ServiceName } from './services.js';

$.verbose = false;
$.quiet = true;

function dockerRuns(args: string[], env: NodeJS.ProcessEnv): { ok: boolean; stdout: string } {
  const result = spawnSync('docker', args, { stdio: 'pipe', timeout: 10_000, env });
  return { ok: !result.error && result.status === 0, stdout: result.stdout?.toString().trim() ?? '' };
}

/** True when a Docker engine answers (the `docker` command alone may be only a client). */
export function dockerEngineAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  const info = dockerRuns(['info', '--format', '{{.ServerVersion}}'], env);
  return info.ok && info.stdout !== '';
}

/**
 * What the Docker path lacks, as one line with its fix; undefined when the docker command,
 * an engine and the compose plugin are all there. Checked in the order a learner fixes them.
 */
export function dockerProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!dockerRuns(['--version'], env).ok) {
    return 'Docker: no docker command here. Install Docker Desktop (or Docker Engine), or set KIT_INFRA=local in .env.';
  }
  if (!dockerEngineAvailable(env)) {
    return 'Docker: the docker command is here but no engine answers. Start Docker Desktop (on Linux: systemctl start docker), or set KIT_INFRA=local in .env.';
  }
  if (!dockerRuns(['compose', 'version'], env).ok) {
    return 'Docker: the compose plugin is missing (`docker compose version` fails). Install it (Docker Desktop has it; on Linux the docker-compose-plugin package), or set KIT_INFRA=local in .env.';
  }
  return undefined;
}

/** The dev container runs when the target is SingleStore on this machine; Helios needs none. */
export function usesSingleStoreDevContainer(config: KitConfig): boolean {
  return targetOf(config.database).composeProfile !== undefined && isLocalHost(config.database.host);
}

/**
 * Why the SingleStore dev container cannot start with these settings, in one line. Compose
 * cannot check it: it interpolates every service before it applies profiles, so a required
 * variable of the `singlestore` profile would fail every `docker compose up`.
 */
export function singleStoreDevContainerProblem(config: KitConfig, env: Record<string, string | undefined>): string | undefined {
  const password = env.SINGLESTORE_ROOT_PASSWORD;
  if (!password) {
    return 'SINGLESTORE_ROOT_PASSWORD is not set: the SingleStore dev container needs a root password. Set it in .env (see .env.example) and use the same in DATABASE_URL.';
  }
  if (config.database.user === 'root' && config.database.password !== password) {
    return "DATABASE_URL's password is not SINGLESTORE_ROOT_PASSWORD, the dev container's root password: use the same in both.";
  }
  return undefined;
}

export function composeServices(config: KitConfig): ServiceName[] {
  const services: ServiceName[] = ['kafka', 'grafana'];
  services.push(usesSingleStoreDevContainer(config) ? targetOf(config.database).service : 'mariadb');
  return services;
}

/**
 * The dev container's limits, from the engine's size: its README asks for --cpus=8 on a host
 * with more than 8 cores and --memory=64g above 64 GB. Docker refuses a container whose CPU
 * limit exceeds the engine's CPUs, so a smaller engine gets 0: no limit.
 */
export function singleStoreLimits(engine: { cpus: number; memoryBytes: number }): { SINGLESTORE_CPUS: string; SINGLESTORE_MEMORY: string } {
  return {
    SINGLESTORE_CPUS: engine.cpus > 8 ? '8' : '0',
    SINGLESTORE_MEMORY: engine.memoryBytes > 64 * 2 ** 30 ? '64g' : '0',
  };
}

function engineSize(env: NodeJS.ProcessEnv): { cpus: number; memoryBytes: number } {
  const [cpus = '0', memory = '0'] = dockerRuns(['info', '--format', '{{.NCPU}} {{.MemTotal}}'], env).stdout.split(/\s+/);
  return { cpus: Number(cpus) || 0, memoryBytes: Number(memory) || 0 };
}

export async function composeUp(config: KitConfig): Promise<void> {
  const problem = dockerProblem() ?? (usesSingleStoreDevContainer(config) ? singleStoreDevContainerProblem(config, readEnvironment()) : undefined);
  if (problem) throw new SetupError(problem);
  const profile = usesSingleStoreDevContainer(config) ? ['--profile', targetOf(config.database).composeProfile!] : [];
  const env = { ...process.env, ...singleStoreLimits(engineSize(process.env)) };
  // --wait returns once every started service's healthcheck passes (each means "ready").
  await $({ cwd: ROOT, verbose: true, env })`docker compose ${profile} up -d --wait ${composeServices(config)}`;
}

export async function composeDown(): Promise<void> {
  await $({ cwd: ROOT, verbose: true })`docker compose --profile singlestore down`;
}

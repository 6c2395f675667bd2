// No Docker engine runs here: docker-compose.yml is loaded by compose-go, the loader of
// `docker compose` itself (infra/compose-check), with the .env that `npm run up` writes, as
// `npm run up` and a learner's own `docker compose up` would load it.
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, parseDotEnv } from '@donations/lib';
import { composeServices, singleStoreLimits, usesSingleStoreDevContainer } from '../../infra/docker.js';
import { ROOT, dotEnvFromExample } from '../../infra/services.js';
import { KAFKA_LOCK, lockedKafkaVersion, readJarLock } from '../../infra/kafka-jars.js';
import { buildChecker, loadCompose, type ComposeService, type LoadResult, type LoadedProject } from './compose-check.js';

const example = readFileSync(join(ROOT, '.env.example'), 'utf8');

/** What a learner does for the dev container: uncomment the SingleStore DATABASE_URL, nothing else (the pipeline's broker defaults to kafka:29092). */
function withSingleStoreLines(envText: string): string {
  const block = envText.indexOf('\nSINGLESTORE_ROOT_PASSWORD=');
  const tail = envText.slice(block).replace(/^# (DATABASE_URL=singlestore:\/\/root:)/m, '$1');
  return envText.slice(0, block).replace(/^DATABASE_URL=mysql:/m, '# DATABASE_URL=mysql:') + tail;
}

interface Scenario {
  name: string;
  env: string;
  profiles: string[];
  /** The services named on the command line; none means all of the enabled profiles. */
  services: string[];
  expected: string[];
}

/** The command `npm run up` runs for this .env (infra/docker.ts composeUp). */
function upScenario(name: string, env: string, expected: string[]): Scenario {
  const config = loadConfig(parseDotEnv(env));
  return { name, env, profiles: usesSingleStoreDevContainer(config) ? ['singlestore'] : [], services: composeServices(config), expected };
}

const fresh = dotEnvFromExample(example);
const freshSingleStore = withSingleStoreLines(dotEnvFromExample(example));
const scenarios: Scenario[] = [
  upScenario('`npm run up` on the fresh .env (MariaDB)', fresh, ['grafana', 'kafka', 'mariadb']),
  // Grafana depends on MariaDB, so compose starts it too.
  upScenario('`npm run up` with the SingleStore lines filled in', freshSingleStore, ['grafana', 'kafka', 'mariadb', 'singlestore']),
  { name: '`docker compose up` on the fresh .env', env: fresh, profiles: [], services: [], expected: ['grafana', 'kafka', 'mariadb'] },
  { name: '`docker compose --profile singlestore up` on the fresh .env', env: fresh, profiles: ['singlestore'], services: [], expected: ['grafana', 'kafka', 'mariadb', 'singlestore'] },
];

/** What each service's healthcheck must run for `up --wait` to mean "ready". */
const READY: Record<string, RegExp> = {
  // The broker answers a request on the listener the host uses.
  kafka: /^CMD-SHELL \/opt\/kafka\/bin\/kafka-broker-api-versions\.sh --bootstrap-server 127\.0\.0\.1:9092 /,
  // The image's check: a login succeeds and InnoDB has started.
  mariadb: /^CMD healthcheck\.sh --connect --innodb_initialized$/,
  // Grafana's health endpoint, served once provisioning is done.
  grafana: /^CMD curl -fsS -o \/dev\/null http:\/\/127\.0\.0\.1:3000\/api\/health$/,
  // The dev image's own check: its start script finished and both nodes answer SELECT 1.
  singlestore: /^CMD \/scripts\/healthcheck\.sh$/,
};

function loaded(result: LoadResult): { project: LoadedProject; warnings: string[] } {
  if (!result.ok) throw new Error(result.error);
  return result;
}

function listeners(value: string | null | undefined): Map<string, { host: string; port: number }> {
  return new Map(
    String(value).split(',').map((entry) => {
      const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
      if (!match) throw new Error(`not a Kafka listener: ${entry}`);
      return [match[1]!, { host: match[2]!, port: Number(match[3]) }];
    }),
  );
}

beforeAll(() => buildChecker(), 600_000);

describe.each(scenarios)('docker-compose.yml, $name', (scenario) => {
  let project: LoadedProject;
  let services: Record<string, ComposeService>;
  const env = parseDotEnv(scenario.env);
  const config = loadConfig(env);

  beforeAll(() => {
    const result = loadCompose(scenario.env, { profiles: scenario.profiles, services: scenario.services });
    project = loaded(result).project;
    services = project.services;
  });

  it('loads with no error and no warning, with the services expected', () => {
    const result = loaded(loadCompose(scenario.env, { profiles: scenario.profiles, services: scenario.services }));
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.project.services).sort()).toEqual(scenario.expected);
  });

  it('pins every image to a release', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image, name).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/);
    }
  });

  it('gives every service `up --wait` starts a healthcheck that means ready', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.disable ?? false, name).toBe(false);
      expect(service.healthcheck?.test?.join(' '), name).toMatch(READY[name]!);
    }
    // Grafana starts once MariaDB is ready, SingleStore once Kafka is.
    expect(services.grafana!.depends_on).toEqual({ mariadb: expect.objectContaining({ condition: 'service_healthy' }) });
    if (services.singlestore) expect(services.singlestore.depends_on).toEqual({ kafka: expect.objectContaining({ condition: 'service_healthy' }) });
  });

  it('mounts only paths that exist in the repository', () => {
    const binds = Object.values(services).flatMap((service) => (service.volumes ?? []).filter((v) => v.type === 'bind'));
    expect(binds.length).toBeGreaterThan(0);
    for (const bind of binds) {
      expect(bind.source!.startsWith(ROOT + sep), bind.source).toBe(true);
      expect(existsSync(bind.source!), bind.source).toBe(true);
      expect(bind.read_only, bind.source).toBe(true);
    }
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(services).flatMap((service) => service.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port.host_ip, `port ${port.target}`).toBe('127.0.0.1');
  });

  it('has Kafka advertise an address the host reaches and one the containers reach', () => {
    const kafka = services.kafka!;
    const advertised = listeners(kafka.environment!.KAFKA_ADVERTISED_LISTENERS);
    const bound = listeners(kafka.environment!.KAFKA_LISTENERS);
    const protocols = new Map(String(kafka.environment!.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).split(',').map((pair) => pair.split(':') as [string, string]));

    // The host: the address of KAFKA_BROKERS, where that listener's port is published.
    const [hostListener, hostAddress] = [...advertised].find(([, a]) => `${a.host}:${a.port}` === config.kafka.brokers[0])!;
    const published = kafka.ports!.find((p) => p.target === bound.get(hostListener)!.port)!;
    expect(published).toMatchObject({ host_ip: hostAddress.host, published: String(hostAddress.port) });

    // The containers: the service's name on the network they share, at the port the listener binds.
    const [dockerListener, dockerAddress] = [...advertised].find(([, a]) => a.host === 'kafka')!;
    expect(bound.get(dockerListener)!.port).toBe(dockerAddress.port);
    expect(kafka.environment!.KAFKA_INTER_BROKER_LISTENER_NAME).toBe(dockerListener);
    for (const [name, service] of Object.entries(services)) {
      expect(Object.keys(service.networks ?? {}), name).toEqual(Object.keys(kafka.networks ?? {}));
    }
    // kafkajs and the pipelines speak plain TCP to this broker.
    expect([protocols.get(hostListener), protocols.get(dockerListener)]).toEqual(['PLAINTEXT', 'PLAINTEXT']);
    // The controller listener is never advertised.
    expect(advertised.has(String(kafka.environment!.KAFKA_CONTROLLER_LISTENER_NAMES))).toBe(false);
    if (services.singlestore && config.database.target === 'singlestore') {
      expect(config.kafka.pipelineBrokers).toEqual([`kafka:${dockerAddress.port}`]);
    }
  });

  it("gives every password from .env, Grafana's admin's included", () => {
    expect(env.GRAFANA_ADMIN_PASSWORD).toMatch(/^[0-9a-f]{24}$/);
    expect(services.grafana!.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: 'admin', GF_SECURITY_ADMIN_PASSWORD: env.GRAFANA_ADMIN_PASSWORD, GRAFANA_DB_PASSWORD: env.GRAFANA_DB_PASSWORD });
    expect(services.mariadb!.environment).toMatchObject({ MARIADB_PASSWORD: env.MARIADB_PASSWORD, MARIADB_ROOT_PASSWORD: env.MARIADB_PASSWORD });
    if (services.singlestore) {
      expect(env.SINGLESTORE_ROOT_PASSWORD).toMatch(/^[0-9a-f]{24}$/);
      expect(services.singlestore.environment).toMatchObject({ ROOT_PASSWORD: env.SINGLESTORE_ROOT_PASSWORD, SINGLESTORE_LICENSE: '' });
    }
  });

  it("meets the kit's settings: DATABASE_URL reaches the database container", () => {
    const target = config.database.target === 'singlestore' ? services.singlestore! : services.mariadb!;
    const port = target.ports!.find((p) => p.target === 3306)!;
    expect(Number(port.published)).toBe(config.database.port);
    expect(config.database.host).toBe(port.host_ip);
    if (config.database.target === 'singlestore') {
      expect(config.database).toMatchObject({ user: 'root', password: env.SINGLESTORE_ROOT_PASSWORD });
    } else {
      expect(services.mariadb!.environment).toMatchObject({ MARIADB_USER: config.database.user, MARIADB_PASSWORD: config.database.password, MARIADB_DATABASE: config.database.database });
    }
    // SingleStore's SQL port sits beside MariaDB's on the host.
    if (services.singlestore) expect(services.singlestore.ports!.map((p) => p.published)).not.toContain(services.mariadb!.ports![0]!.published);
  });
});

describe('docker-compose.yml, its services', () => {
  let services: Record<string, ComposeService>;
  beforeAll(() => {
    services = loaded(loadCompose(freshSingleStore, { profiles: ['singlestore'] })).project.services;
  });

  it("runs the local broker's Apache Kafka release in KRaft mode, one node, no ZooKeeper, keeping messages as long as the kit says", () => {
    const kafka = services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${lockedKafkaVersion(readJarLock(KAFKA_LOCK))}`);
    expect(kafka.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller', KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1' });
    expect(String(kafka.environment!.KAFKA_CONTROLLER_QUORUM_VOTERS)).toMatch(/^1@kafka:\d+$/);
    expect(Object.keys(kafka.environment!).some((k) => /ZOOKEEPER/.test(k))).toBe(false);
    expect(kafka.environment!.KAFKA_LOG_RETENTION_MS).toBe(String(loadConfig(parseDotEnv(freshSingleStore)).kafka.retentionMs));
  });

  it("sizes MariaDB's buffer pool for a 4 GB Docker VM, over the kit's own settings", () => {
    const mariadb = services.mariadb!;
    expect(mariadb.volumes).toContainEqual(expect.objectContaining({ source: join(ROOT, 'infra/mariadb/kit.cnf'), target: '/etc/mysql/conf.d/kit.cnf' }));
    const pool = mariadb.command!.map((arg) => /^--innodb-buffer-pool-size=(\d+)G$/.exec(arg)).find(Boolean);
    expect(Number(pool?.[1])).toBeLessThanOrEqual(1);
    expect(mariadb.command).toContain('--bind-address=0.0.0.0');
  });

  it("sets Grafana's 250 ms minimum refresh and connects to SingleStore in clear by default", () => {
    expect(services.grafana!.environment).toMatchObject({ GF_DASHBOARDS_MIN_REFRESH_INTERVAL: '250ms', GRAFANA_SINGLESTORE_CA_CERT: '' });
  });

  it('keeps the SingleStore dev container behind its profile, with its data in a volume', () => {
    const singlestore = services.singlestore!;
    expect(singlestore.profiles).toEqual(['singlestore']);
    expect(singlestore.image).toMatch(/^ghcr\.io\/singlestore-labs\/singlestoredb-dev:/);
    expect(singlestore.volumes).toContainEqual(expect.objectContaining({ type: 'volume', target: '/data' }));
    expect(singlestore.healthcheck).toMatchObject({ start_period: '1m30s' });
    expect(singlestore.environment).toMatchObject({ TZ: 'UTC' });
  });

  it('limits the dev container as its README asks only on a big engine: 8 CPUs and 64 GB there, no limit (0) elsewhere', () => {
    // Without `npm run up` (a hand-run `docker compose`): no limit.
    expect(services.singlestore!.cpus ?? 0).toBe(0);
    expect(Number(services.singlestore!.mem_limit ?? 0)).toBe(0);
    expect(singleStoreLimits({ cpus: 4, memoryBytes: 8 * 2 ** 30 })).toEqual({ SINGLESTORE_CPUS: '0', SINGLESTORE_MEMORY: '0' });
    expect(singleStoreLimits({ cpus: 8, memoryBytes: 64 * 2 ** 30 })).toEqual({ SINGLESTORE_CPUS: '0', SINGLESTORE_MEMORY: '0' });
    const big = singleStoreLimits({ cpus: 32, memoryBytes: 256 * 2 ** 30 });
    expect(big).toEqual({ SINGLESTORE_CPUS: '8', SINGLESTORE_MEMORY: '64g' });
    const limited = loaded(loadCompose(`${freshSingleStore}\nSINGLESTORE_CPUS=${big.SINGLESTORE_CPUS}\nSINGLESTORE_MEMORY=${big.SINGLESTORE_MEMORY}\n`, { profiles: ['singlestore'] })).project.services.singlestore!;
    expect(limited.cpus).toBe(8);
    expect(Number(limited.mem_limit)).toBe(64 * 2 ** 30);
  });
});

describe('docker-compose.yml and its .env', () => {
  it('opens Grafana and the databases to the network only when KIT_PUBLISH_ADDRESS says so; Kafka stays on loopback', () => {
    const open = freshSingleStore.replace(/^KIT_PUBLISH_ADDRESS=.*$/m, 'KIT_PUBLISH_ADDRESS=0.0.0.0');
    const { services } = loaded(loadCompose(open, { profiles: ['singlestore'] })).project;
    for (const name of ['grafana', 'mariadb', 'singlestore']) {
      for (const port of services[name]!.ports!) expect(port.host_ip, name).toBe('0.0.0.0');
    }
    expect(services.kafka!.ports!.map((p) => p.host_ip)).toEqual(['127.0.0.1']);
  });

  it('keeps every port on 127.0.0.1 when .env does not mention KIT_PUBLISH_ADDRESS', () => {
    const { services } = loaded(loadCompose(fresh.replace(/^KIT_PUBLISH_ADDRESS=.*$/m, ''), { profiles: ['singlestore'] })).project;
    const addresses = new Set(Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.host_ip)));
    expect([...addresses]).toEqual(['127.0.0.1']);
  });

  it("has no default admin password for Grafana: without GRAFANA_ADMIN_PASSWORD the file does not load, in one line", () => {
    const result = loadCompose(fresh.replace(/^GRAFANA_ADMIN_PASSWORD=.*$/m, ''));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^INVALID: .*required variable GRAFANA_ADMIN_PASSWORD is missing a value: set GRAFANA_ADMIN_PASSWORD in \.env/);
    expect(!result.ok && result.error.split('\n')).toHaveLength(1);
  });

  it('loads without a SingleStore password: SingleStore is checked where its profile is chosen', () => {
    const noSingleStore = fresh.replace(/^SINGLESTORE_ROOT_PASSWORD=.*$/m, '');
    for (const profiles of [[], ['singlestore']]) {
      const result = loaded(loadCompose(noSingleStore, { profiles }));
      expect(result.warnings).toEqual([]);
    }
  });
});

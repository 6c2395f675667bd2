// No Docker engine runs here: this test reads docker-compose.yml and checks what the
// Docker path of `npm run up` relies on.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseDotEnv } from '@donations/lib';

interface Service {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  profiles?: string[];
  volumes?: string[];
  depends_on?: Record<string, unknown>;
}
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, Service> };
const example = parseDotEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
const defaults = loadConfig(example);

function hostPort(service: Service, containerPort: number): number | undefined {
  const mapping = service.ports?.map((p) => p.split(':').map(Number)).find(([, inside]) => inside === containerPort);
  return mapping?.[0];
}

describe('docker-compose.yml', () => {
  const { kafka, mariadb, grafana, singlestore } = compose.services;

  it('has the kit services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'kafka', 'mariadb', 'singlestore']);
  });

  it('runs Apache Kafka 3.9 in KRaft mode, one node, no ZooKeeper', () => {
    expect(kafka!.image).toMatch(/^apache\/kafka:3\.9\./);
    const env = kafka!.environment!;
    expect(env.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(env.KAFKA_CONTROLLER_QUORUM_VOTERS)).toMatch(/^1@kafka:\d+$/);
    expect(Object.keys(env).some((k) => /ZOOKEEPER/.test(k))).toBe(false);
    expect(Object.keys(compose.services).some((name) => /zookeeper/i.test(name))).toBe(false);
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
  });

  it('advertises Kafka both to the host and to containers on the network', () => {
    const listeners = String(kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).split(',');
    expect(listeners).toContain('HOST://localhost:9092');
    expect(listeners).toContain('DOCKER://kafka:29092');
    expect(String(kafka!.environment!.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)).toContain('DOCKER:PLAINTEXT');
  });

  it('publishes ports that match the kit defaults', () => {
    const brokerPort = Number(defaults.kafka.brokers[0]!.split(':')[1]);
    expect(hostPort(kafka!, 9092)).toBe(brokerPort);
    expect(hostPort(mariadb!, 3306)).toBe(defaults.database.port);
    expect(hostPort(grafana!, 3000)).toBe(3000);
    // SingleStore sits beside MariaDB, so it must not take the same host port.
    expect(hostPort(singlestore!, 3306)).not.toBe(defaults.database.port);
  });

  it('keeps Kafka messages as long as the kit defaults say', () => {
    expect(String(kafka!.environment!.KAFKA_LOG_RETENTION_MS)).toBe(`\${KAFKA_RETENTION_MS:-${defaults.kafka.retentionMs}}`);
  });

  it('creates the database and user of DATABASE_URL in MariaDB', () => {
    const env = mariadb!.environment!;
    expect(env.MARIADB_USER).toBe(defaults.database.user);
    expect(env.MARIADB_DATABASE).toBe(defaults.database.database);
    expect(String(env.MARIADB_PASSWORD)).toMatch(/^\$\{MARIADB_PASSWORD:\?/);
    // .env.example gives the same placeholder to both, which `npm run up` replaces together.
    expect(defaults.database.password).toBe(example.MARIADB_PASSWORD);
    expect(mariadb!.volumes).toContain('./infra/mariadb/kit.cnf:/etc/mysql/conf.d/kit.cnf:ro');
  });

  it("sets Grafana's 250 ms minimum refresh through the environment", () => {
    expect(grafana!.environment!.GF_DASHBOARDS_MIN_REFRESH_INTERVAL).toBe('250ms');
    expect(grafana!.volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  it('adds the SingleStore dev container behind a profile, with its password from .env', () => {
    expect(singlestore!.profiles).toEqual(['singlestore']);
    expect(singlestore!.image).toMatch(/^ghcr\.io\/singlestore-labs\/singlestoredb-dev/);
    expect(String(singlestore!.environment!.ROOT_PASSWORD)).toMatch(/^\$\{SINGLESTORE_ROOT_PASSWORD:\?/);
    expect(singlestore!.depends_on).toHaveProperty('kafka');
  });
});

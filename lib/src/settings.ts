/**
 * The settings table: every variable the kit reads with its meaning (SETTINGS, the
 * allowlist), and the shape of the configuration config.ts parses them into.
 */
export type DatabaseTarget = 'mariadb' | 'singlestore';
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaConfig {
  /** host:port pairs the kit's clients connect to. */
  brokers: string[];
  /** The broker address as the database sees it (a SingleStore pipeline runs inside the database). */
  pipelineBrokers: string[];
  /** Where pipelineBrokers came from: the setting, the compose network's default, or KAFKA_BROKERS. */
  pipelineBrokersFrom: 'PIPELINE_KAFKA_BROKERS' | 'compose network' | 'KAFKA_BROKERS';
  /**
   * `ssl.ca.location` in a SingleStore pipeline's CONFIG when KAFKA_SSL is on: a CA bundle path
   * on the SingleStore nodes (null: not sent).
   */
  pipelineSslCaLocation: string | null;
  topic: string;
  /** retention.ms for the topics the kit creates. */
  retentionMs: number;
  ssl: boolean;
  /**
   * KAFKA_SSL_CA: the CA (PEM) this machine's clients trust for a broker whose certificate no
   * public CA signed (the cloud VM's, infra/cloud/). Node's `ca` replaces the system roots.
   */
  sslCaFile?: string;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface DatabaseConfig {
  target: DatabaseTarget;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /**
   * TLS to the database: required by Helios. `caFile` is for a server whose CA is not a public
   * one: Node's `ca` option replaces the system root certificates, it does not add to them.
   */
  tls: false | { caFile?: string; rejectUnauthorized: boolean };
}

export interface WorkshopConfig {
  /** Rows the "pain" lesson grows the table to. */
  rows: number;
  /** The dashboard refresh budget the lessons measure against. */
  refreshMs: number;
}

export interface GrafanaConfig {
  /** The password of the read-only database user Grafana logs in as; unset where Grafana does not run. */
  readerPassword?: string;
}

export type InfraMode = 'auto' | 'local' | 'docker' | 'external';

/** The release lines of the local broker's locked jars: 4.4 (the default), or 3.9 for clusters not yet on 4.x. */
export type KafkaLine = '4.4' | '3.9';

/** How the kit's own scripts run: where services keep their state, debugging. */
export interface KitSettings {
  /** How `npm run up` runs services: Docker when an engine answers (auto), local processes, Docker, or only check. */
  infra: InfraMode;
  /** The Kafka release `npm run up` runs as a local process. */
  kafkaVersion: KafkaLine;
  /** Folder for the data, logs and pid files of the services `up` starts; relative to the repository. */
  stateDir?: string;
  /** Where notebooks write the figures the main job summarises; relative to the repository. */
  figuresDir?: string;
  /** Full error traces from the scripts. */
  debug: boolean;
}

export interface KitConfig {
  kafka: KafkaConfig;
  database: DatabaseConfig;
  workshop: WorkshopConfig;
  grafana: GrafanaConfig;
  kit: KitSettings;
  /** Variables with a kit prefix that the kit does not know: probably typos. */
  unknownVariables: string[];
}

export type Env = Record<string, string | undefined>;

/** Every variable the kit reads, with its meaning: the allowlist. */
export const SETTINGS = {
  KAFKA_BROKERS: 'comma-separated host:port list (default 127.0.0.1:9092)',
  KAFKA_TOPIC: 'the donations topic (default donations)',
  KAFKA_RETENTION_MS: 'retention.ms of the topics the kit creates (default 86400000, one day)',
  KAFKA_SSL: 'true to connect to Kafka over TLS (managed Kafka)',
  KAFKA_SSL_CA: "path to the broker's CA certificate (PEM) for KAFKA_SSL=true, only for a broker whose CA is not public (the cloud VM's): it replaces the system roots",
  KAFKA_SASL_MECHANISM: 'plain, scram-sha-256 or scram-sha-512 (managed Kafka)',
  KAFKA_SASL_USERNAME: 'SASL user name',
  KAFKA_SASL_PASSWORD: 'SASL password',
  PIPELINE_KAFKA_BROKERS: 'the brokers as the database reaches them (default: kafka:29092 for the SingleStore dev container, else KAFKA_BROKERS)',
  PIPELINE_KAFKA_SSL_CA_LOCATION: 'with KAFKA_SSL on SingleStore: the CA bundle path on the SingleStore nodes, sent as ssl.ca.location (default the RHEL bundle path; none to leave it out)',
  DATABASE_URL: 'mysql://user:password@host:port/database or singlestore://...',
  DATABASE_TARGET: 'mariadb or singlestore (default: from the URL scheme)',
  DATABASE_TLS: 'off, on (verify the server certificate) or insecure (default off; on for Helios)',
  DATABASE_TLS_CA: 'path to a CA certificate file for DATABASE_TLS=on, only for a server whose CA is not public: it replaces the system roots',
  WORKSHOP_ROWS: 'rows the pain lesson grows the table to (default 2000000)',
  WORKSHOP_REFRESH_MS: 'dashboard refresh budget in ms (default 250)',
  KIT_INFRA: 'auto, local, docker or external: how `npm run up` runs services (default auto)',
  KIT_KAFKA_VERSION: '4.4 or 3.9: the Kafka release `npm run up` runs as a local process (default 4.4; 3.9 runs on Java 11)',
  KIT_FIGURES_DIR: 'where notebooks write the figures the main job summarises (default out/figures)',
  KIT_DEBUG: 'set to 1 for full error traces from the scripts',
  KIT_STATE_DIR: 'folder for the data, logs and pid files of the services `npm run up` starts (default .kit)',
  KIT_PUBLISH_ADDRESS: 'Docker only: the address Grafana and the database publish their ports on (default 127.0.0.1; 0.0.0.0 opens them to the network)',
  GRAFANA_DB_PASSWORD: 'password of grafana_reader, the read-only database user of Grafana (`npm run up` writes a random one)',
} as const;

export type Setting = keyof typeof SETTINGS;

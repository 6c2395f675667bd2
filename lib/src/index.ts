// The kit's public API on one screen: notebooks, scripts, tests and dashboards import from here.

// Settings and failures
export {
  loadConfig,
  readEnvironment,
  withDotEnv,
  parseDotEnv,
  describeConfig,
  isDebugEnabled,
  isLoopbackHost,
  pipelineBrokersProblem,
  SETTINGS,
  DEFAULT_DATABASE_NAME,
  DEFAULT_RETENTION_MS,
  COMPOSE_PIPELINE_BROKER,
  DEFAULT_PIPELINE_SSL_CA_LOCATION,
} from './config.js';
export type { KitConfig, KafkaConfig, DatabaseConfig, DatabaseTarget, WorkshopConfig, GrafanaConfig, KitSettings, InfraMode, KafkaLine, SaslMechanism, Setting, Env } from './config.js';
export {
  KitError,
  ConfigError,
  InvalidIdentifierError,
  KafkaUnavailableError,
  DatabaseUnavailableError,
  DatabaseAuthError,
  SqlError,
  SetupError,
  PipelineError,
  GrafanaError,
  describeError,
  redactSecrets,
} from './errors.js';
export { InterruptedError } from './interrupt.js';
export { quoteIdentifier, assertIdentifier, assertTopicName } from './names.js';

// Kafka
export * from './kafka/index.js';
// The database
export * from './database/index.js';
// Campaigns: generator, ledger, producing, reconciliation
export * from './campaigns/index.js';
// Pipelines
export * from './pipeline/index.js';
// The dashboard
export * from './dashboard/index.js';
// Aggregates at ingest
export * from './aggregates/index.js';
// The local pipeline that also takes lesson 09's `keepTotals` (over pipeline/'s, which has only the hook).
export { LocalPipeline, type LocalPipelineOptions } from './aggregates/local-pipeline.js';
// The database targets
export * from './targets/index.js';
// Notebook helpers
export * from './notebook/index.js';
// Lesson steps
export * from './lessons/index.js';

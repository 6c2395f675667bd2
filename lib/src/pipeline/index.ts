// Pipelines: one interface, SingleStore's and the kit's own, and the donations flow they load.
export { createPipeline } from './create.js';
export { setUpDonationsPipeline, DONATIONS_PIPELINE, type DonationsPipelineOptions } from './donations.js';
export { LocalPipeline, type LocalPipelineOptions } from './local.js';
export { SingleStorePipeline } from './singlestore.js';
export {
  DEFAULT_BATCH_INTERVAL_MS,
  type BatchSummary,
  type Pipeline,
  type PipelineCursor,
  type PipelineErrorRecord,
  type PipelineHandles,
  type PipelineSpec,
  type PipelineStatus,
  type TestRow,
  type WaitOptions,
} from './pipeline.js';
export { singleStoreStatements, skipErrorsFor, versionAtLeast, JSON_DEFAULTS, SASL_PASSWORD_PLACEHOLDER, SKIP_ALL_ERRORS_SINCE, type PipelineStatements, type PipelineInto, type SkipErrors } from '../targets/singlestore-statements.js';
export { pipelineStoreDdl } from '../targets/mariadb-status-tables.js';
export type { BatchRowsHook, BeforeCommit, RowsWrite } from './batch-hooks.js';
export { transformMessage, transformDonation, rowToTsv, type PipelineFormat, type RejectKind, type Row, type DonationRow, type Transformed } from './transform.js';
export { tsvChunks, type WriterName } from './writer.js';
export { pipelineBacklog, type Backlog } from './backlog.js';

/**
 * The local pipeline's status tables, shaped like SingleStore's information_schema views:
 * kit_pipelines (PIPELINES), kit_pipelines_cursors (PIPELINES_CURSORS),
 * kit_pipelines_batches (PIPELINES_BATCHES_SUMMARY), kit_pipelines_errors
 * (PIPELINES_ERRORS). SingleStore has the views; only MariaDB needs these.
 */
import { mariadbTableDdl } from './mariadb-ddl.js';
import type { DdlStatement, TableDescription } from './table.js';

const STATUS_TABLES: readonly (TableDescription & { purpose: string })[] = [
  {
    purpose: 'like information_schema.PIPELINES',
    name: 'kit_pipelines',
    columns: [
      'pipeline_name VARCHAR(64) NOT NULL PRIMARY KEY',
      'topic VARCHAR(255) NOT NULL',
      'table_name VARCHAR(64) NOT NULL',
      'format VARCHAR(16) NOT NULL',
      "state VARCHAR(16) NOT NULL DEFAULT 'Stopped'",
      'batch_interval_ms INT NOT NULL',
      'config_json TEXT NOT NULL',
      'created_at DATETIME(3) NOT NULL',
    ],
    keys: [],
    charset: 'utf8mb4',
  },
  {
    purpose: 'like information_schema.PIPELINES_CURSORS: the next offset per partition, written with the rows',
    name: 'kit_pipelines_cursors',
    columns: [
      'pipeline_name VARCHAR(64) NOT NULL',
      'source_partition_id INT NOT NULL',
      'cursor_offset BIGINT NOT NULL',
      'latest_offset BIGINT NOT NULL DEFAULT 0',
      'updated_at DATETIME(3) NOT NULL',
    ],
    keys: [
      'PRIMARY KEY (pipeline_name, source_partition_id)',
    ],
  },
  {
    purpose: 'like information_schema.PIPELINES_BATCHES_SUMMARY',
    name: 'kit_pipelines_batches',
    columns: [
      'pipeline_name VARCHAR(64) NOT NULL',
      'batch_id BIGINT NOT NULL AUTO_INCREMENT',
      'batch_state VARCHAR(16) NOT NULL',
      'source_partition_id INT NOT NULL',
      'earliest_offset BIGINT NOT NULL',
      'latest_offset BIGINT NOT NULL',
      'messages INT NOT NULL',
      'rows_inserted INT NOT NULL',
      'rows_skipped_duplicates INT NOT NULL',
      'rows_rejected INT NOT NULL',
      'bytes BIGINT NOT NULL',
      'started_at DATETIME(3) NOT NULL',
      'batch_time_ms INT NOT NULL',
    ],
    keys: [
      'PRIMARY KEY (batch_id)',
      'KEY ix_pipeline (pipeline_name, batch_id)',
    ],
  },
  {
    purpose: 'like information_schema.PIPELINES_ERRORS: every rejected message, with its reason and offset',
    name: 'kit_pipelines_errors',
    columns: [
      'error_id BIGINT NOT NULL AUTO_INCREMENT',
      'pipeline_name VARCHAR(64) NOT NULL',
      'batch_id BIGINT NOT NULL',
      'source_partition_id INT NOT NULL',
      'message_offset BIGINT NOT NULL',
      'error_kind VARCHAR(32) NOT NULL',
      'error_message VARCHAR(1024) NOT NULL',
      'message_bytes INT NOT NULL',
      'message_head VARBINARY(1024) NULL',
      'created_at DATETIME(3) NOT NULL',
    ],
    keys: [
      'PRIMARY KEY (error_id)',
      'KEY ix_pipeline (pipeline_name, error_id)',
    ],
  },
];

export const STORE_TABLES = STATUS_TABLES.map((table) => table.name);

export function pipelineStoreDdl(): DdlStatement[] {
  return STATUS_TABLES.map(({ purpose, ...table }) => ({ purpose, sql: mariadbTableDdl(table) }));
}

/**
 * One runner per pipeline: a MariaDB named lock (GET_LOCK) held on a connection of its
 * own. The lock belongs to the connection, so a process killed with -9 loses it at once
 * and a restarted pipeline never waits for a crashed one. After a database restart the
 * connection is gone; a watch takes the lock again.
 */
import type { Database, DatabaseConnection } from '../database/database.js';
import { KitError, PipelineError } from '../errors.js';

const RELOCK_EVERY_MS = 2_000;

export class PipelineLock {
  readonly name: string;
  private connection: DatabaseConnection | undefined;
  private watch: NodeJS.Timeout | undefined;
  private relocking: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    pipeline: string,
  ) {
    this.name = `kit_pipeline.${db.name}.${pipeline}`.slice(0, 64);
  }

  get held(): boolean {
    return this.watch !== undefined;
  }

  /** Takes the lock, or fails with `busyMessage` when another connection holds it. */
  async acquire(busyMessage: string): Promise<void> {
    await this.take(busyMessage);
    this.watch = setInterval(() => this.retake(), RELOCK_EVERY_MS);
    this.watch.unref();
  }

  /** The last failure to take the lock again after a database restart. */
  lastError: KitError | undefined;

  async release(): Promise<void> {
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    await this.relocking;
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    try {
      await connection.query('SELECT RELEASE_LOCK(?)', [this.name]);
      connection.release();
    } catch {
      connection.destroy();
    }
  }

  private async take(busyMessage: string): Promise<void> {
    const connection = await this.db.connect();
    const [row] = await connection.query<{ acquired: number | null }>('SELECT GET_LOCK(?, 0) AS acquired', [this.name]).catch((error: unknown) => {
      connection.destroy();
      throw error;
    });
    if (Number(row?.acquired) !== 1) {
      connection.release();
      throw new PipelineError(busyMessage);
    }
    connection.onLost(() => {
      if (this.connection === connection) this.connection = undefined;
      connection.destroy();
    });
    this.connection = connection;
  }

  private retake(): void {
    if (this.connection || this.relocking) return;
    this.relocking = this.take('the pipeline lost its lock to another runner during a database restart')
      .then(() => void (this.lastError = undefined))
      .catch((error: unknown) => void (this.lastError = error instanceof KitError ? error : new PipelineError(String(error))))
      .finally(() => (this.relocking = undefined));
  }
}

/** Retrying a failed batch (database restarting, lost connection): nothing is skipped, so the batch is tried until it loads or the pipeline stops. */
import { KitError, PipelineError } from '../errors.js';

const FIRST_DELAY_MS = 200;
const LONGEST_DELAY_MS = 5_000;

/**
 * Runs `attempt` until it succeeds (true) or `keepTrying()` says stop after a failure
 * (false); every failure goes to `onFailure`. The delay doubles from 200 ms to 5 s.
 */
export async function retryUntilStopped(attempt: () => Promise<void>, keepTrying: () => boolean, onFailure: (error: KitError) => void): Promise<boolean> {
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      await attempt();
      return true;
    } catch (error) {
      onFailure(error instanceof KitError ? error : new PipelineError(String(error), { cause: error }));
      if (!keepTrying()) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, LONGEST_DELAY_MS);
    }
  }
}

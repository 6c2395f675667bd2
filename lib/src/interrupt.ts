/**
 * Jupyter's "interrupt the kernel" arrives in the tslab kernel as SIGINT. tslab then ends
 * the cell with "Interrupted asynchronously", but the promises the cell started keep
 * running. The kit's long operations (producing, waiting for a pipeline, live views)
 * listen to this signal too, so that an interrupt really stops them: they flush, record
 * what was acknowledged, and the cell shows one line saying what stopped.
 */
import { KitError } from './errors.js';

export class InterruptedError extends KitError {
  constructor() {
    super('interrupted (Kernel > Interrupt, or Ctrl-C)');
  }
}

const TSLAB_INTERRUPT = 'Interrupted asynchronously';
let controller: AbortController | undefined;
const running = new Set<string>();

/** True inside a tslab kernel (a notebook), where SIGINT means "stop this cell". */
function underNotebookKernel(): boolean {
  return '__tslab__' in globalThis;
}

function install(): void {
  controller = new AbortController();
  process.on('SIGINT', () => {
    const stopped = [...running];
    const interrupted = controller!;
    controller = new AbortController();
    interrupted.abort(new InterruptedError());
    pendingNote = stopped.length ? `Interrupted: stopping ${stopped.join(', ')}.` : 'Interrupted.';
  });
  // tslab prints its own error with a stack from inside tslab: one line says more.
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    if (args.length === 1 && args[0] instanceof Error && args[0].message === TSLAB_INTERRUPT) {
      original(pendingNote ?? 'Interrupted.');
      pendingNote = undefined;
      return;
    }
    original(...args);
  };
}

let pendingNote: string | undefined;

/**
 * The signal a long operation stops on: the caller's, the kernel's interrupt (in a
 * notebook), or both. `what` names the work in the line an interrupt prints.
 */
export function operationSignal(what: string, signal?: AbortSignal): { signal: AbortSignal | undefined; done: () => void } {
  if (!underNotebookKernel()) return { signal, done: () => undefined };
  if (!controller) install();
  running.add(what);
  const kernel = controller!.signal;
  return { signal: signal ? eitherSignal(signal, kernel) : kernel, done: () => running.delete(what) };
}

/** Aborts when either aborts (AbortSignal.any, which Node 20's type declarations lack). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const both = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) both.abort(signal.reason);
    else signal.addEventListener('abort', () => both.abort(signal.reason), { once: true });
  }
  return both.signal;
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The producer thread's entry (producer-thread.ts starts it). */
import { parentPort, workerData } from 'node:worker_threads';
import { KafkaClient } from './client.js';
import { runProducerThread, type ProducerThreadInput } from './producer-thread.js';

const input = workerData as ProducerThreadInput;
await runProducerThread(input, parentPort!, new KafkaClient(input.kafka.settings, input.kafka.options));
// The port keeps the thread alive; the main side ends it once the summary is in.

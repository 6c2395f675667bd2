/** The producer thread's entry (producer-thread.ts starts it and keeps it between campaigns). */
import { parentPort } from 'node:worker_threads';
import { KafkaClient } from './client.js';
import { serveProducerThread } from './producer-thread.js';

// One client for the thread's life: the same settings come with every campaign (producer-thread.ts keys threads by them).
let kafka: KafkaClient | undefined;
serveProducerThread(parentPort!, (input) => (kafka ??= new KafkaClient(input.kafka.settings, input.kafka.options)));

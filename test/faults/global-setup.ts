// Starts the fault suite's own Kafka and MariaDB before its files run, stops them after,
// and prints what each scenario injected and measured.
import { downFaultServices, upFaultServices } from './fault-services.js';
import { formatFigures, readFigures, resetFigures } from './figures.js';

export async function setup(): Promise<void> {
  resetFigures();
  await upFaultServices();
}

export async function teardown(): Promise<void> {
  console.log(formatFigures(readFigures()));
  await downFaultServices();
}

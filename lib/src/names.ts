/**
 * The names the kit splices into SQL or Kafka requests: checked once, here, before they
 * travel. Values always travel as parameters; only names need this.
 */
import { InvalidIdentifierError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,200}$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function isTopicName(name: string): boolean {
  return TOPIC.test(name);
}

/** Backquotes a table, database or pipeline name after checking it is a plain identifier. */
export function quoteIdentifier(name: string, kind = 'identifier'): string {
  return `\`${assertIdentifier(name, kind)}\``;
}

export function assertIdentifier(name: string, kind = 'identifier'): string {
  if (!isIdentifier(name)) throw new InvalidIdentifierError(kind, name);
  return name;
}

export function assertTopicName(topic: string): string {
  if (!isTopicName(topic)) throw new InvalidIdentifierError('topic', topic);
  return topic;
}

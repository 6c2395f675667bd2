/**
 * Every failure the kit reports is a KitError: one line that names the problem and says
 * what to do. `cause` keeps the original error for debugging; messages never carry secrets.
 */
export class KitError extends Error {
  /** A retriable error may succeed if the same call is made again later. */
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** A setting is missing or malformed. The message names the variable. */
export class ConfigError extends KitError {
  constructor(
    readonly variable: string,
    problem: string,
    fix: string,
  ) {
    super(`${variable}: ${problem}. ${fix}`);
  }
}

/** A name that will be spliced into SQL or a Kafka request is not a plain identifier. */
export class InvalidIdentifierError extends KitError {
  constructor(
    readonly kind: string,
    readonly value: string,
  ) {
    super(
      `Invalid ${kind} name ${JSON.stringify(value.slice(0, 80))}: use 1-64 letters, digits or underscores` +
        (kind === 'topic' ? ', dots or dashes' : '') +
        ', starting with a letter or underscore.',
    );
  }
}

/** The Kafka broker cannot be reached, refused the login, is not trusted, or refused a request. */
export class KafkaUnavailableError extends KitError {
  constructor(brokers: readonly string[], cause?: unknown) {
    const refusedLogin = isSaslFailure(cause);
    const untrusted = !refusedLogin && isUntrustedCertificate(cause);
    super(
      (refusedLogin
        ? `Kafka at ${brokers.join(',')} refused the SASL login: check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SSL, or unset KAFKA_SASL_MECHANISM for a broker without SASL.`
        : untrusted
          ? `Kafka at ${brokers.join(',')} presented a TLS certificate this machine does not trust: set KAFKA_SSL_CA to the broker's CA certificate (PEM; \`npm run cloud:env\` writes the cloud VM's), and check that KAFKA_BROKERS names the host the certificate was made for.`
          : `Cannot reach Kafka at ${brokers.join(',')}: start it with \`npm run up\`, or fix KAFKA_BROKERS.`) + describeCause(cause),
      { cause, retriable: !refusedLogin && !untrusted },
    );
  }
}

/** Node's verdicts on a certificate it does not trust: an unknown CA, another host's, an expired one. */
const UNTRUSTED_CERTIFICATE = /self[- ]signed certificate|unable to verify the first certificate|unable to get (?:local )?issuer certificate|certificate has expired|does not match certificate's altnames/i;

function isUntrustedCertificate(cause: unknown): boolean {
  for (let e = cause, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNTRUSTED_CERTIFICATE.test(e.message)) return true;
  }
  return false;
}

function isSaslFailure(cause: unknown): boolean {
  return cause instanceof Error && (/SASL/i.test(cause.name) || /SASL/i.test(cause.message));
}

/** The database server cannot be reached. */
export class DatabaseUnavailableError extends KitError {
  constructor(where: string, cause?: unknown) {
    super(
      `Cannot reach the database at ${where}: start it with \`npm run up\`, or fix DATABASE_URL.` +
        describeCause(cause),
      { cause, retriable: true },
    );
  }
}

/** The database refused the user name or password. */
export class DatabaseAuthError extends KitError {
  constructor(user: string, where: string, cause?: unknown) {
    super(
      `The database at ${where} refused user '${user}': check the user and password in DATABASE_URL (.env).`,
      { cause },
    );
  }
}

/** A SQL statement failed; the message carries the server's code and a hint. */
export class SqlError extends KitError {
  constructor(
    readonly code: string,
    serverMessage: string,
    hint: string,
    cause?: unknown,
  ) {
    super(`${code}: ${serverMessage}${hint ? ` (${hint})` : ''}`, { cause });
  }
}

/** Something the infra scripts need is missing (Java, MariaDB, Python's venv, a free port...). */
export class SetupError extends KitError {}

/** A pipeline operation failed (unknown pipeline, wrong state, not supported on a target). */
export class PipelineError extends KitError {}

/** The Grafana side: a query that cannot become a panel's SQL, a macro, the read-only user, a stale dashboard. */
export class GrafanaError extends KitError {}

function describeCause(cause: unknown): string {
  if (cause instanceof Error && cause.message) return ` (${redactSecrets(cause.message)})`;
  return '';
}

/** Hides the password part of any URL and any `password=...` pair inside a text. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s@]+:)[^@\s]+@/gi, '$1***@')
    .replace(/([A-Za-z_]*(?:password|passwd|pwd|secret))(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1$2***');
}

/** One line for a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof KitError) return error.message;
  if (error instanceof Error) return redactSecrets(`${error.name}: ${error.message}`);
  return redactSecrets(String(error));
}

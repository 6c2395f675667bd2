/**
 * `npm run cloud:env -- [FILE]`: the settings the cloud VM printed (its console output, or
 * ~/kafka-settings.txt, pasted on stdin or saved in FILE) into the kit's `.env`, and its CA
 * into .kit/cloud-broker-ca.pem for KAFKA_SSL_CA. Lines of the console around the block, and
 * prefixes a console puts before each line, are ignored.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KitError } from '@donations/lib';
import { isMainModule } from '../cli.js';
import { KIT_DIR, ROOT, ensureDir, ensureDotEnv, runScript } from '../services.js';

export const BEGIN_SETTINGS = '----- BEGIN KAFKA KIT SETTINGS -----';
export const END_SETTINGS = '----- END KAFKA KIT SETTINGS -----';
/** What print-settings.sh writes, in its order. */
export const PRINTED_SETTINGS = ['KAFKA_BROKERS', 'KAFKA_SSL', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const;
export const CLOUD_CA_FILE = join(KIT_DIR, 'cloud-broker-ca.pem');

export interface BrokerSettings {
  env: Record<(typeof PRINTED_SETTINGS)[number], string>;
  caPem: string;
}

const PASTE_AGAIN = `copy everything from "${BEGIN_SETTINGS}" to "${END_SETTINGS}" again`;

/** The last settings block in a pasted text (a VM whose name changed prints a newer one below). */
export function parseBrokerSettings(text: string): BrokerSettings {
  const lines = text.split(/\r?\n/);
  const begin = lines.map((line) => line.includes(BEGIN_SETTINGS)).lastIndexOf(true);
  const end = lines.findIndex((line, index) => index > begin && line.includes(END_SETTINGS));
  if (begin < 0 || end < 0) throw new KitError(`no complete kafka-kit settings block in the pasted text: ${PASTE_AGAIN}.`);
  const env: Record<string, string> = {};
  const pem: string[] = [];
  for (const line of lines.slice(begin + 1, end)) {
    const setting = /(KAFKA_[A-Z_]+)=(\S*)\s*$/.exec(line);
    const pemLine = /(-----(?:BEGIN|END) CERTIFICATE-----)\s*$/.exec(line)?.[1] ?? /([A-Za-z0-9+/=]+)\s*$/.exec(line)?.[1];
    if (setting) env[setting[1]!] = setting[2]!;
    else if (pemLine && (pem.length > 0 || pemLine.startsWith('-----BEGIN'))) pem.push(pemLine);
  }
  const missing = PRINTED_SETTINGS.filter((name) => !env[name]);
  if (missing.length > 0) throw new KitError(`the pasted settings lack ${missing.join(', ')}: ${PASTE_AGAIN}.`);
  const caPem = `${pem.join('\n')}\n`;
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(caPem);
  } catch {
    throw new KitError(`the CA certificate in the pasted settings is cut or altered: ${PASTE_AGAIN}.`);
  }
  if (!ca.ca) throw new KitError(`the certificate in the pasted settings is not a CA's: ${PASTE_AGAIN}.`);
  return { env: env as BrokerSettings['env'], caPem };
}

/** `.env` with each setting's line replaced where it is set, the others added at the end. */
export function withSettings(dotEnv: string, settings: Record<string, string>): string {
  const pending = new Map(Object.entries(settings));
  const lines = dotEnv.split('\n').map((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!name || !pending.has(name)) return line;
    const value = pending.get(name)!;
    pending.delete(name);
    return `${name}=${value}`;
  });
  const added = [...pending].map(([name, value]) => `${name}=${value}`);
  const text = lines.join('\n').replace(/\n*$/, '\n');
  return added.length === 0 ? text : `${text}\n# The cloud VM's broker (\`npm run cloud:env\`, docs/helios.md)\n${added.join('\n')}\n`;
}

/** Writes the CA file and `.env` in `folder`; returns the settings written. */
export function applyBrokerSettings(pasted: string, folder = ROOT, caFile = CLOUD_CA_FILE): Record<string, string> {
  const { env, caPem } = parseBrokerSettings(pasted);
  ensureDir(join(caFile, '..'));
  writeFileSync(caFile, caPem);
  // An absolute path: notebooks run in notebooks/, where a relative one would name nothing.
  const settings = { ...env, KAFKA_SSL_CA: caFile };
  const dotEnvFile = join(folder, '.env');
  writeFileSync(dotEnvFile, withSettings(readFileSync(dotEnvFile, 'utf8'), settings));
  // It now holds a password.
  chmodSync(dotEnvFile, 0o600);
  return settings;
}

if (isMainModule(import.meta.url)) {
  await runScript(async () => {
    const source = process.argv[2];
    if (source === '--help') return console.log('usage: npm run cloud:env -- [FILE]   (without FILE: paste the settings, then Ctrl-D)');
    if (!source && process.stdin.isTTY) console.log(`paste the VM's settings (from "${BEGIN_SETTINGS}" to "${END_SETTINGS}"), then press Ctrl-D:`);
    ensureDotEnv();
    const settings = applyBrokerSettings(readFileSync(source ?? 0, 'utf8'));
    console.log(`.env: ${Object.keys(settings).join(', ')} set for ${settings.KAFKA_BROKERS}; the CA is in ${CLOUD_CA_FILE}`);
    console.log(
      `For SingleStore Helios: upload ${CLOUD_CA_FILE} in the portal (Access & Security > Upload Certificate) and set PIPELINE_KAFKA_SSL_CA_LOCATION to the path it shows (docs/helios.md).`,
    );
  });
}

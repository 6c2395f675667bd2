/** `npm run reconcile`: what the producer got acknowledged vs what the table holds, per campaign. */
import { createKafka, createPipeline, formatReconciliation, latestCampaign, openDatabase, reconcileCampaign, DONATIONS_PIPELINE, DONATIONS_TABLE, KitError } from '@donations/lib';
import { flags, countFlag } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = 'usage: npm run reconcile -- [--campaign ID] [--table NAME]   (default: the latest campaign, table donation_transactions)';

await runScript(async () => {
  const args = flags({ campaign: { type: 'string' }, table: { type: 'string' } }, USAGE);
  if (args.help) return console.log(USAGE);
  const config = loadKitConfig();
  const db = openDatabase(config.database);
  try {
    const campaignId = countFlag(args.campaign, 'campaign') ?? (await latestCampaign(db))?.campaignId;
    if (!campaignId) throw new KitError('no campaign yet: run `npm run produce` first');
    const table = (args.table as string | undefined) ?? DONATIONS_TABLE;
    // The pipeline that loads the default table: its rejected messages are counted too.
    const pipeline = table === DONATIONS_TABLE ? createPipeline({ db, kafka: createKafka(config.kafka) }, { name: DONATIONS_PIPELINE, topic: config.kafka.topic, table, format: 'donations-json' }) : undefined;
    const result = await reconcileCampaign(db, campaignId, { table, pipeline });
    console.log(formatReconciliation(result));
    if (!result.exact) process.exitCode = 1;
  } finally {
    await db.close();
  }
});

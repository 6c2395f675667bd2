/** `npm run reconcile`: what the producer got acknowledged vs what the table holds, per campaign. */
import {
  createKafka, createPipeline, formatReconciliation, latestCampaign, openDatabase, pipelineBacklog, reconcileCampaign, reconciliationVerdict, DONATIONS_PIPELINE, DONATIONS_TABLE, KitError,
} from '@donations/lib';
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
    // The pipeline that loads the default table: its rejected messages are counted, and what it
    // has not loaded yet is told apart from a loss.
    const kafka = createKafka(config.kafka);
    const pipeline = table === DONATIONS_TABLE ? createPipeline({ db, kafka }, { name: DONATIONS_PIPELINE, topic: config.kafka.topic, table, format: 'donations-json' }) : undefined;
    const backlog = pipeline ? () => pipelineBacklog(pipeline, kafka) : undefined;
    const result = await reconcileCampaign(db, campaignId, { table, pipeline, backlog });
    console.log(formatReconciliation(result));
    // Only a loss (or a donation held twice) fails: donations still in the topic are on their way.
    if (reconciliationVerdict(result) === 'MISMATCH') process.exitCode = 1;
  } finally {
    await db.close();
  }
});

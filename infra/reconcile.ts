/** `npm run reconcile`: what the producer got acknowledged vs what the table holds, per campaign. */
import { createPool, currentCampaign, formatReconciliation, reconcileCampaign, DONATIONS_PIPELINE, DONATIONS_TABLE, KitError } from '@donations/lib';
import { flags, numberFlag } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = 'usage: npm run reconcile -- [--campaign ID] [--table NAME]   (default: the latest campaign, table donation_transactions)';

await runScript(async () => {
  const args = flags({ campaign: { type: 'string' }, table: { type: 'string' } }, USAGE);
  if (args.help) return console.log(USAGE);
  const config = loadKitConfig();
  const pool = createPool(config.database);
  try {
    const campaignId = numberFlag(args.campaign, 'campaign') ?? (await currentCampaign(pool, config.database))?.campaignId;
    if (!campaignId) throw new KitError('no campaign yet: run `npm run produce` first');
    const result = await reconcileCampaign(pool, config.database, campaignId, { table: (args.table as string | undefined) ?? DONATIONS_TABLE, pipeline: DONATIONS_PIPELINE });
    console.log(formatReconciliation(result));
    if (!result.exact) process.exitCode = 1;
  } finally {
    await pool.end();
  }
});

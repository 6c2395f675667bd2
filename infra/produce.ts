/**
 * `npm run produce`: the original's producer. Starts a campaign (or continues one), sends
 * donations to Kafka at a rate or as fast as possible, and prints a summary. Ctrl-C flushes,
 * records what was acknowledged and ends the campaign.
 */
import { createKafka, createPool, createTopic, endCampaign, formatProgress, produceCampaign, recordProduced, resumeCampaign, setUpDonations, startCampaign } from '@donations/lib';
import { endProgress, flags, numberFlag, progressLine, stopOnCtrlC } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = `usage: npm run produce -- [--count 100k | --duration 60s] [--rate 5000] [--campaign ID] [--seed N] [--batch-size 2000] [--keep-open]
  --count N       donations to send (default 10k unless --duration is given)
  --duration T    send for this long (30s, 2min)
  --rate R        donations per second (default: as fast as the broker takes them)
  --campaign ID   continue campaign ID instead of starting a new one
  --keep-open     leave the campaign open at the end (default: end it)`;

await runScript(async () => {
  const args = flags(
    { count: { type: 'string' }, duration: { type: 'string' }, rate: { type: 'string' }, campaign: { type: 'string' }, seed: { type: 'string' }, 'batch-size': { type: 'string' }, 'keep-open': { type: 'boolean' } },
    USAGE,
  );
  if (args.help) return console.log(USAGE);
  const config = loadKitConfig();
  const kafka = createKafka(config.kafka);
  const pool = createPool(config.database);
  try {
    await setUpDonations(config, kafka, pool);
    await createTopic(kafka, config.kafka, { topic: config.kafka.topic });
    const campaignId = numberFlag(args.campaign, 'campaign');
    const campaign = campaignId ? await resumeCampaign(pool, config.database, campaignId) : await startCampaign(pool, config.database, { seed: numberFlag(args.seed, 'seed') });
    const durationMs = numberFlag(args.duration, 'duration');
    const count = numberFlag(args.count, 'count') ?? (durationMs ? undefined : 10_000);
    console.log(`campaign ${campaign.id}: ${campaign.cities.map((c) => c.city).join(', ')} -> topic ${config.kafka.topic}`);
    const summary = await produceCampaign(kafka, config.kafka, {
      topic: config.kafka.topic,
      campaign,
      count,
      durationMs,
      rate: numberFlag(args.rate, 'rate'),
      batchSize: numberFlag(args['batch-size'], 'batch-size'),
      signal: stopOnCtrlC('the producer'),
      onProgress: (p) => progressLine(formatProgress(p)),
    });
    endProgress();
    if (summary.lastTransactionId) {
      await recordProduced(pool, config.database, campaign.id, { acknowledged: summary.acknowledged, amount: summary.amountAcknowledged, lastTransactionId: summary.lastTransactionId });
    }
    if (!args['keep-open']) await endCampaign(pool, config.database, campaign.id);
    console.log(
      `sent ${summary.sent.toLocaleString('en-US')}, acknowledged ${summary.acknowledged.toLocaleString('en-US')}, failed ${summary.failed}, ` +
        `${summary.eventsPerSecond.toLocaleString('en-US')} events/s over ${(summary.elapsedMs / 1000).toFixed(1)} s (stopped by ${summary.stoppedBy})`,
    );
    for (const range of summary.unacknowledged) console.log(`NOT acknowledged: transaction ids ${range.from}..${range.to}: ${range.error}`);
    if (summary.failed) process.exitCode = 1;
  } finally {
    await pool.end();
  }
});

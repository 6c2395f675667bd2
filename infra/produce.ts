/**
 * `npm run produce`: a campaign's donations to Kafka, with a progress line. Ctrl-C flushes,
 * records what was acknowledged and ends the campaign.
 */
import { createKafka, endCampaign, formatProgress, openDatabase, produceDonations, resumeCampaign, setUpDonationsPipeline, startCampaign } from '@donations/lib';
import { countFlag, durationFlag, endProgress, flags, progressLine, stopOnSignals } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = `usage: npm run produce -- [--count 100k | --duration 60s] [--rate 5000] [--campaign ID] [--seed N] [--batch-size 2000] [--keep-open]
  --count N       donations to send: 50000, 50k, 2m (two million); default 10k unless --duration is given
  --duration T    send for this long: 30s, 2m (two minutes), 1h
  --rate R        donations per second (default: as fast as the broker takes them)
  --campaign ID   continue campaign ID instead of starting a new one
  --keep-open     leave the campaign open at the end (default: end it)`;

await runScript(async () => {
  const args = flags(
    { count: { type: 'string' }, duration: { type: 'string' }, rate: { type: 'string' }, campaign: { type: 'string' }, seed: { type: 'string' }, 'batch-size': { type: 'string' }, 'keep-open': { type: 'boolean' } },
    USAGE,
  );
  if (args.help) return console.log(USAGE);
  const durationMs = durationFlag(args.duration, 'duration');
  const count = countFlag(args.count, 'count') ?? (durationMs ? undefined : 10_000);
  const rate = countFlag(args.rate, 'rate');
  const batchSize = countFlag(args['batch-size'], 'batch-size');
  const campaignId = countFlag(args.campaign, 'campaign');
  const seed = countFlag(args.seed, 'seed', 0);
  const config = loadKitConfig();
  const handles = { db: openDatabase(config.database), kafka: createKafka(config.kafka) };
  try {
    const pipeline = await setUpDonationsPipeline(handles);
    await pipeline.close();
    const campaign = campaignId ? await resumeCampaign(handles.db, campaignId) : await startCampaign(handles.db, { seed });
    console.log(`campaign ${campaign.id}: ${campaign.cities.map((c) => c.city).join(', ')} -> topic ${config.kafka.topic}`);
    const summary = await produceDonations(handles, {
      campaign,
      count,
      durationMs,
      rate,
      batchSize,
      signal: stopOnSignals('the producer'),
      onProgress: (p) => progressLine(formatProgress(p)),
    });
    endProgress();
    if (!args['keep-open']) await endCampaign(handles.db, campaign.id);
    console.log(
      `sent ${summary.sent.toLocaleString('en-US')}, acknowledged ${summary.acknowledged.toLocaleString('en-US')}, failed ${summary.failed}, ` +
        `${summary.eventsPerSecond.toLocaleString('en-US')} events/s over ${(summary.elapsedMs / 1000).toFixed(1)} s (stopped by ${summary.stoppedBy})`,
    );
    for (const range of summary.unacknowledged) console.log(`NOT acknowledged: transaction ids ${range.from}..${range.to}: ${range.error}`);
    if (summary.failed) process.exitCode = 1;
  } finally {
    await handles.db.close();
  }
});

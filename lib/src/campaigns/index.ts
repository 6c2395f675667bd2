// Campaigns: the donation generator, the ledger of what was acknowledged, reconciliation.
export { Campaign, CITIES, ORGANIZATIONS, CITIES_PER_CAMPAIGN, ID_BLOCK, MAX_CAMPAIGN_ID, formatUtc, type City, type CampaignOptions, type DonationEvent } from './generator.js';
export { CAMPAIGNS_TABLE, CAMPAIGN_ID_ATTEMPTS, NEXT_CAMPAIGN_ID_SQL, INSERT_CAMPAIGN_SQL, LATEST_CAMPAIGN_SQL, campaignsTableDdl, ensureCampaignsTable, startCampaign, recordProduced, endCampaign, getCampaign, latestCampaign, resumeCampaign, type CampaignRecord } from './ledger.js';
export { reconcileCampaign, formatReconciliation, reconciliationVerdict, MAX_GAPS, type Reconciliation, type ReconcileOptions } from './reconcile.js';
export { produceDonations } from './produce.js';

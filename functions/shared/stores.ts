/**
 * Every DynamoDB store, built once per container on first use (a warm container reuses its
 * clients and caches). Handlers take their stores from here and never construct one.
 */
import { systemClock } from './clock';
import { DynamoClaimStore } from './dynamo/claim-store';
import { dynamoTable } from './dynamo/client';
import { DynamoCmsStore } from './dynamo/cms-store';
import { DynamoEvidenceStore } from './dynamo/evidence-store';
import { DynamoHoldStore } from './dynamo/hold-store';
import { DynamoJobSteps } from './dynamo/job-steps';
import { DynamoPaymentStore } from './dynamo/payment-store';
import { DynamoPeopleStore } from './dynamo/people-store';
import { DynamoRefundStore } from './dynamo/refund-store';
import { DynamoRegistryStore } from './dynamo/registry-store';
import { screeningStores } from './dynamo/screening-store';
import { settlementStores } from './dynamo/settlement-store';
import { DynamoVoucherStore } from './dynamo/voucher-store';
import { personalDataVault } from './vault';

/** Time-to-live attributes are epoch seconds of the platform clock. */
const epochSeconds = () => Math.floor(systemClock.now().getTime() / 1000);

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

export const stores = {
  /** The registry seals and hashes personal data with the vault's keys (read once). */
  registry: once(async () => new DynamoRegistryStore(dynamoTable(), await personalDataVault())),
  payments: once(() => new DynamoPaymentStore(dynamoTable())),
  refunds: once(() => new DynamoRefundStore(dynamoTable())),
  claims: once(() => new DynamoClaimStore(dynamoTable())),
  vouchers: once(() => new DynamoVoucherStore(dynamoTable())),
  people: once(() => new DynamoPeopleStore(dynamoTable(), epochSeconds)),
  evidence: once(() => new DynamoEvidenceStore(dynamoTable())),
  holds: once(() => new DynamoHoldStore(dynamoTable())),
  screening: once(() => screeningStores(dynamoTable(), epochSeconds)),
  settlement: once(() => settlementStores(dynamoTable(), epochSeconds)),
  cms: once(() => new DynamoCmsStore(dynamoTable())),
  jobSteps: once(() => new DynamoJobSteps(dynamoTable(), epochSeconds)),
};

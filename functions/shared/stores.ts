/**
 * Every DynamoDB store, built once per container on first use (a warm container reuses its
 * clients and caches). Handlers take their stores from here and never construct one. Each getter
 * is its own pure export, so a function's bundle carries only the stores it uses.
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
import { DynamoRegistryChangeStore } from './dynamo/registry-change-store';
import { DynamoRegistryStore } from './dynamo/registry-store';
import { DynamoSessionStore } from './dynamo/session-store';
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

/** The registry seals and hashes personal data with the vault's keys (read once). */
export const registryStore = /* @__PURE__ */ once(async () => new DynamoRegistryStore(dynamoTable(), await personalDataVault()));
/** Self-service changes seal a terminal's new secret with the same vault. */
export const registryChangeStore = /* @__PURE__ */ once(async () => new DynamoRegistryChangeStore(dynamoTable(), await personalDataVault(), epochSeconds));
export const paymentStore = /* @__PURE__ */ once(() => new DynamoPaymentStore(dynamoTable()));
export const sessionStore = /* @__PURE__ */ once(() => new DynamoSessionStore(dynamoTable()));
export const refundStore = /* @__PURE__ */ once(() => new DynamoRefundStore(dynamoTable()));
export const claimStore = /* @__PURE__ */ once(() => new DynamoClaimStore(dynamoTable()));
export const voucherStore = /* @__PURE__ */ once(() => new DynamoVoucherStore(dynamoTable()));
export const peopleStore = /* @__PURE__ */ once(() => new DynamoPeopleStore(dynamoTable(), epochSeconds));
export const evidenceStore = /* @__PURE__ */ once(() => new DynamoEvidenceStore(dynamoTable()));
export const holdStore = /* @__PURE__ */ once(() => new DynamoHoldStore(dynamoTable()));
export const screeningStore = /* @__PURE__ */ once(() => screeningStores(dynamoTable(), epochSeconds));
export const settlementStore = /* @__PURE__ */ once(() => settlementStores(dynamoTable(), epochSeconds));
export const cmsStore = /* @__PURE__ */ once(() => new DynamoCmsStore(dynamoTable()));
export const jobSteps = /* @__PURE__ */ once(() => new DynamoJobSteps(dynamoTable(), epochSeconds));

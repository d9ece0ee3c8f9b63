/** What the CMS use cases need from the world: the relay that takes EB31 files and gives back EB32 results. */
import type { IsoDate } from '../shared/calendar';

/** The gateway to the CMS relay (production: HTTPS relay; locally: the simulator behind the same API). */
export interface CmsGateway {
  send(file: { fileName: string; transferDate: IsoDate; bytes: Uint8Array; digest: string }): Promise<{ ok: true } | { ok: false; reason: string; retryable: boolean }>;
  /** After a timeout: did the relay get this exact file? */
  wasReceived(fileName: string, transferDate: IsoDate, digest: string): Promise<boolean>;
  fetchResult(fileName: string, transferDate: IsoDate): Promise<Uint8Array | null>;
}

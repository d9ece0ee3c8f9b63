/** Evidence documents in memory: keys as the adapter names them, uploads a test marks as stored. */
import type { EvidenceFiles } from '../../domain/screening/ports';

export class InMemoryEvidenceFiles implements EvidenceFiles {
  readonly uploaded = new Map<string, { contentType: string; size: number }>();
  private next = 0;

  newKey(holdId: string, fileName: string) {
    return `holds/${holdId}/${++this.next}/${fileName}`;
  }
  async stored(key: string) {
    return this.uploaded.get(key) ?? null;
  }
  async uploadFor(key: string) {
    return { url: `https://upload/${key}` };
  }
}

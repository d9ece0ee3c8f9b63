/**
 * CP949 text in fixed-width fields: widths are bytes of the encoded file — a Hangul syllable
 * takes two — and text that would overflow its field is cut at a character boundary.
 */
import iconv from 'iconv-lite';
import { ENCODING } from './fields';

export const isDoubleByteLead = (b: number) => b >= 0x81 && b <= 0xfe;

const charCache = new Map<string, Buffer | null>();

const ASCII = Array.from({ length: 0x80 }, (_, c) => Buffer.from([c]));

/** One character's CP949 bytes, or null if CP949 cannot write it (or it is a control character). */
function charBytes(ch: string): Buffer | null {
  const code = ch.charCodeAt(0);
  if (ch.length === 1 && code >= 0x20 && code < 0x7f) return ASCII[code]!;
  let bytes = charCache.get(ch);
  if (bytes === undefined) {
    const encoded = code < 0x20 || code === 0x7f ? null : iconv.encode(ch, ENCODING);
    bytes = encoded && iconv.decode(encoded, ENCODING) === ch ? encoded : null;
    if (charCache.size < 20_000) charCache.set(ch, bytes);
  }
  return bytes;
}

/** Text as CP949, cut at a character boundary to fit `length` bytes, then space-padded. */
export function encodeText(value: string, length: number): { bytes: Buffer; cut: boolean; unencodable: string | null } {
  const out = Buffer.alloc(length, 0x20);
  let used = 0;
  for (const ch of value) {
    const bytes = charBytes(ch);
    if (!bytes) return { bytes: out, cut: false, unencodable: ch };
    if (used + bytes.length > length) return { bytes: out, cut: true, unencodable: null };
    bytes.copy(out, used);
    used += bytes.length;
  }
  return { bytes: out, cut: false, unencodable: null };
}

/** The longest prefix of `value` that fits `length` bytes of CP949. */
export function fitText(value: string, length: number): string {
  let used = 0;
  let out = '';
  for (const ch of value) {
    const bytes = charBytes(ch);
    if (!bytes || used + bytes.length > length) break;
    used += bytes.length;
    out += ch;
  }
  return out;
}

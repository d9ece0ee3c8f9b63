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

const FULL_WIDTH_SPACE = '\u3000';

/**
 * cms.md passbook text (통장기재내용) from a name: a name with Hangul keeps its double-byte
 * characters only (Latin letters, spaces and signs dropped; digits made full-width), so Hangul
 * and Latin letters are never mixed; an ASCII name stays ASCII. Cut to fit `length` bytes.
 */
export function passbookText(value: string, length = 16): string {
  if (/^[\x20-\x7e]*$/.test(value)) return fitText(value, length);
  const doubleByte = [...value].map((ch) => (/[0-9]/.test(ch) ? String.fromCharCode(0xff10 + Number(ch)) : ch)).filter((ch) => ch.charCodeAt(0) >= 0x80 && ch !== FULL_WIDTH_SPACE && charBytes(ch)?.length === 2);
  return fitText(doubleByte.join(''), length);
}

/** A double-byte passbook text padded with full-width spaces to its field's bytes (ASCII text is padded with spaces when encoded). */
export function padPassbookText(value: string, length: number): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  let used = 0;
  for (const ch of value) used += charBytes(ch)?.length ?? 0;
  return value + FULL_WIDTH_SPACE.repeat(Math.max(0, Math.floor((length - used) / 2)));
}

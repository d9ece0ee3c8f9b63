import * as z from 'zod';
import { isValidDate } from '../domain/shared/calendar';

export const isoDate = z.string().refine(isValidDate, { message: 'must be a real date YYYY-MM-DD' });
export const recordId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -');
export const personName = z.string().trim().min(1).max(50);
export const municipalityCode = z.string().regex(/^\d{5}$/, 'must be the 5-digit 시군구 code');
export const programCode = z.string().regex(/^[A-Z_]{2,20}$/, 'must be a program code');
export const yearMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');
export const isoInstant = z.iso.datetime({ offset: true });

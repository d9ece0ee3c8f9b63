/**
 * The request behind the CMS golden files: three transfers, one Hangul name longer than its
 * field, one ASCII text, one name mixing Hangul and a Latin letter (cms.md: never written mixed).
 */
import { buildRequestFile } from '../../../domain/cms/encode';

export const goldenRequest = () =>
  buildRequestFile({
    originator: 'SSIS000001',
    transferDate: '2026-03-13',
    debitBankBranch: '0880001',
    debitAccount: '10012345678',
    items: [
      { bankCode: '004', account: '12345678901234', amount: 100_000, businessNumber: '1234567891', passbookText: '행복심리상담센터바우처', reference: 'T2603130001' },
      { bankCode: '088', account: '110234567890', amount: 36_000, businessNumber: '2208162517', passbookText: 'VOUCHER 2603-1', reference: 'T2603130002' },
      { bankCode: '020', account: '1002003000031', amount: 7_200, businessNumber: '1048100512', passbookText: '햇살A돌봄', reference: 'T2603130003' },
    ],
  });

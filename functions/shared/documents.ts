/**
 * Evidence documents in S3 (domain.md §5): a pre-signed PUT whose signature covers the content
 * type and the exact content length, so S3 refuses any other type or size; and a check of what
 * really arrived before a document is accepted with a submission.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { CmsObjects } from '../../domain/cms/ports';
import type { EvidenceFiles } from '../../domain/screening/ports';
import { randomUuid } from './clock';
import { config } from './config';

/** A pre-signed upload is valid this long. */
export const UPLOAD_EXPIRES_SECONDS = 300;

let client: S3Client | undefined;

export function s3(): S3Client {
  const { AWS_REGION, S3_ENDPOINT } = config();
  client ??= new S3Client({
    region: AWS_REGION,
    // No default CRC32 of an empty body in pre-signed URLs: the upload carries the real file.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(S3_ENDPOINT ? { endpoint: S3_ENDPOINT, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return client;
}

export function documentBucket(): string {
  const bucket = config().BUCKET_NAME;
  if (!bucket) throw new Error('BUCKET_NAME is not set');
  return bucket;
}

export interface PresignedUpload {
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
  expiresInSeconds: number;
}

/** `content-type` and `content-length` are signed headers: S3 checks both against the request. */
async function presignUpload(key: string, contentType: string, size: number): Promise<PresignedUpload> {
  const command = new PutObjectCommand({ Bucket: documentBucket(), Key: key, ContentType: contentType, ContentLength: size });
  const url = await getSignedUrl(s3(), command, { expiresIn: UPLOAD_EXPIRES_SECONDS, signableHeaders: new Set(['content-type', 'content-length']) });
  return { method: 'PUT', url, headers: { 'content-type': contentType, 'content-length': String(size) }, expiresInSeconds: UPLOAD_EXPIRES_SECONDS };
}

/** An object's bytes (CMS files). */
export async function readObject(key: string): Promise<Uint8Array> {
  const out = await s3().send(new GetObjectCommand({ Bucket: documentBucket(), Key: key }));
  return out.Body!.transformToByteArray();
}

/** What is stored under a key, or null if nothing was uploaded. */
async function storedDocument(key: string): Promise<{ size: number; contentType: string } | null> {
  try {
    const out = await s3().send(new HeadObjectCommand({ Bucket: documentBucket(), Key: key }));
    return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? '' };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

/** Evidence files of holds, under `holds/{holdId}/{random}/{file name}`. */
export const evidenceFiles: EvidenceFiles = {
  newKey: (holdId, fileName) => `holds/${holdId}/${randomUuid()}/${encodeURIComponent(fileName)}`,
  stored: storedDocument,
  uploadFor: presignUpload,
};

async function putCmsFile(transferDate: string, fileName: string, bytes: Uint8Array): Promise<string> {
  const key = `cms/${transferDate}/${fileName}`;
  await s3().send(new PutObjectCommand({ Bucket: documentBucket(), Key: key, Body: bytes, ContentType: 'application/octet-stream' }));
  return key;
}

/** CMS files' exact bytes, under `cms/{transfer date}/{file name}`. */
export const cmsObjects: CmsObjects = {
  put: putCmsFile,
  read: readObject,
};

/** What keeps state: the one table (its stream is the payments' outbox), the file buckets and the secrets. */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { TABLE } from '../system';

export class Storage extends Construct {
  readonly table: TableV2;
  /** REG-07: the seed of the RRN encryption and look-up keys; never in code or environment. */
  readonly piiKeys: Secret;
  readonly accessLogs: Bucket;
  /** CMS files and hold evidence. */
  readonly files: Bucket;
  /** The CMS relay's bearer token: issued by the relay, put here by operators, read by transmit and receive. */
  readonly cmsRelayToken: Secret;
  /** The seed of the key that signs list cursors (`nextToken`): a token works only for the list and caller it was issued to. */
  readonly listCursorKey: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: TABLE.indexes.map((i) => ({
        indexName: i.name,
        partitionKey: { name: i.partitionKey, type: AttributeType.STRING },
        sortKey: { name: i.sortKey, type: AttributeType.STRING },
      })),
      timeToLiveAttribute: TABLE.ttlAttribute,
      // The payments' outbox: the relay reads approvals and cancellations from here.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.piiKeys = new Secret(this, 'PersonalDataKeys', {
      description: 'Seed of the keys that seal RRNs and hash them for look-up (REG-07)',
      generateSecretString: { secretStringTemplate: JSON.stringify({ version: 'k1' }), generateStringKey: 'seed', passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.files = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'files/',
      // Providers upload hold evidence straight from the browser with a pre-signed PUT.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type'], maxAge: 3000 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.listCursorKey = new Secret(this, 'ListCursorKey', {
      description: 'Seed of the HMAC key of list cursors (nextToken); rotating it only ends the pages being read',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.cmsRelayToken = new Secret(this, 'CmsRelayToken', { description: 'Bearer token of the CMS relay file API (cms.md); set by operators from the relay contract', removalPolicy: RemovalPolicy.RETAIN });
  }
}

import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { config } from '../config';

export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

let table: Table | undefined;

/** The container's one client: keep-alive sockets, endpoint overridden only locally. */
export function dynamoTable(): Table {
  if (table) return table;
  const { TABLE_NAME, AWS_REGION, DYNAMODB_ENDPOINT } = config();
  table = { doc: documentClient({ region: AWS_REGION, endpoint: DYNAMODB_ENDPOINT }), name: TABLE_NAME };
  return table;
}

export function documentClient(options: { region: string; endpoint?: string | undefined }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 256 }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets: 256 }),
    }),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

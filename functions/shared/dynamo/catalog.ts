/** The catalog (programs and service types): one partition, read whole by every store that needs it. */
import type { ProgramTerms, ServiceType } from '../../../domain/registry/entities';
import { queryAll } from './batch';
import type { Table } from './client';
import { entityOf } from './items';
import { keys } from './keys';

export interface Catalog {
  serviceTypes: Map<string, ServiceType>;
  programs: Map<string, ProgramTerms>;
}

export async function readCatalog(table: Table): Promise<Catalog> {
  const items = await queryAll(table.doc, { TableName: table.name, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.catalog() }, ReturnConsumedCapacity: 'TOTAL' });
  return {
    serviceTypes: new Map(items.filter((i) => i.type === 'ServiceType').map((i) => [i.serviceCode as string, entityOf<ServiceType>(i)])),
    programs: new Map(items.filter((i) => i.type === 'Program').map((i) => [i.code as string, { kind: i.kind as ProgramTerms['kind'], requiresTerminalMatch: Boolean(i.requiresTerminalMatch), ...(i.time ? { time: i.time as ProgramTerms['time'] } : {}) }])),
  };
}

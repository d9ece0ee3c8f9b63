/** A small client for the local stack's HTTP API in end-to-end tests; every answer is checked against the API document. */
import { checkAnswer } from './contract';

export interface Answer {
  status: number;
  body: any;
}

export function apiClient(baseUrl: () => string) {
  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<Answer> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const answer = { status: res.status, body: text ? JSON.parse(text) : null };
    await checkAnswer(method, path, answer.status, answer.body);
    return answer;
  };
  /** One JWT per named principal, minted by the local identity provider. */
  const tokensFor = async (principals: Record<string, Record<string, string>>): Promise<Record<string, string>> => {
    const tokens: Record<string, string> = {};
    for (const [name, claims] of Object.entries(principals)) tokens[name] = (await call('POST', '/_local/token', claims)).body.token;
    return tokens;
  };
  return { call, tokensFor };
}

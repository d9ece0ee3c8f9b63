// The cold-start estimate of `npm run bench` (issue 17 §4), in a fresh Node process as Lambda's
// init would be: load the intake bundle, then answer one signed payment. Prints one JSON line.
const [bundle, eventFile] = process.argv.slice(2);
const { readFileSync } = await import('node:fs');
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const t0 = performance.now();
const { handler } = await import(bundle);
const loaded = performance.now();
const context = { functionName: 'payment-intake', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:ap-northeast-2:000000000000:function:payment-intake', memoryLimitInMB: '512', awsRequestId: 'cold-start', logGroupName: '/aws/lambda/payment-intake', logStreamName: 'cold', getRemainingTimeInMillis: () => 29_000, callbackWaitsForEmptyEventLoop: true, done() {}, fail() {}, succeed() {} };
const answer = await handler(event, context);
const answered = performance.now();
console.log(JSON.stringify({ loadMs: loaded - t0, firstAnswerMs: answered - t0, status: answer.statusCode, body: JSON.parse(answer.body) }));
process.exit(0);

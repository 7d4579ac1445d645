/**
 * `npm run benchmark`: what a deploy costs in API calls and time, for account lists of growing
 * size, through the bundled handler against the local endpoint. It prints figures; it asserts
 * nothing. The endpoint applies a token bucket like WorkSpaces' (scaled up 25x so the run takes
 * seconds: 50 calls/s, bursts of 125), so the figures include the SDK's adaptive retries.
 */
import { CloudFormationStub, lambdaContext, loadBundledHandler, useLocalEndpoint } from '../test/support/cloudformation';
import { LocalAwsEndpoint } from '../test/support/local-endpoint';

const OWNER = '123456789012';
const IMAGE = 'wsi-abc123def';
const TYPE = 'Custom::SharedWorkspaceImage';

const accounts = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(300000000000 + from + i));

async function main(): Promise<void> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const cfn = new CloudFormationStub();
  await cfn.start();
  const handler = loadBundledHandler();
  const rows: string[][] = [['accounts', 'step', 'status', 'API calls', 'throttled', 'seconds']];

  for (const n of [10, 100, 1_000]) {
    const endpoint = new LocalAwsEndpoint(OWNER);
    useLocalEndpoint(await endpoint.start());
    endpoint.rateLimit = { perSecond: 50, burst: 125 };
    endpoint.workspaces.addImage(IMAGE);
    const before = accounts(n);
    // The update swaps a tenth of the accounts for new ones.
    const swap = Math.max(1, Math.floor(n / 10));
    const after = [...before.slice(swap), ...accounts(swap, n)];

    const run = async (step: string, event: Parameters<typeof cfn.invoke>[1]) => {
      const started = endpoint.calls.length;
      const t0 = process.hrtime.bigint();
      const response = await cfn.invoke(handler, event, lambdaContext(OWNER));
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const calls = endpoint.calls.slice(started);
      const throttled = calls.filter(c => c.error === 'ThrottlingException').length;
      rows.push([String(n), step, response.Status, String(calls.length - throttled), String(throttled), seconds.toFixed(2)]);
    };

    await run('create', cfn.createEvent(TYPE, 'Share', { ImageId: IMAGE, AccountIds: before }));
    await run(`update (swap ${swap})`, cfn.updateEvent(TYPE, 'Share', IMAGE, { ImageId: IMAGE, AccountIds: after }, { ImageId: IMAGE, AccountIds: before }));
    await run('update (no change)', cfn.updateEvent(TYPE, 'Share', IMAGE, { ImageId: IMAGE, AccountIds: after }, { ImageId: IMAGE, AccountIds: after }));
    await run('delete', cfn.deleteEvent(TYPE, 'Share', IMAGE, { ImageId: IMAGE, AccountIds: after }));
    await endpoint.stop();
  }
  await cfn.stop();

  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

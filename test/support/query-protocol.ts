/**
 * The awsQuery wire format, as the SDK's AwsQueryProtocol writes and reads it: a form-encoded
 * request body (`Action=…&Version=…&Member.member.1.Key=…`) and XML answers
 * (`<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata>…`), lists as `member` elements.
 */

/** The Action of a form-encoded body, if it has one. */
export function actionOf(body: string): string | undefined {
  return new URLSearchParams(body).get('Action') ?? undefined;
}

/** Decode a form body into input: `A.B=1` → `{ A: { B: '1' } }`, `L.member.2=x` → `{ L: [, 'x'] }`. */
export function decodeQuery(body: string): Record<string, any> {
  const input: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.').filter(part => part !== 'member' && part !== 'entry');
    let node: any = input;
    path.forEach((part, i) => {
      const slot = /^\d+$/.test(part) ? Number(part) - 1 : part;
      if (i === path.length - 1) {
        node[slot] = value;
        return;
      }
      node[slot] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
      node = node[slot];
    });
  }
  return input;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** One element: arrays become `member` lists, objects nest, dates are ISO 8601, undefined is left out. */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return `<${name}>${value.map(v => toXml('member', v)).join('')}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escape(String(value))}</${name}>`;
}

/** A successful answer. */
export function queryResponse(action: string, xmlNamespace: string, output: Record<string, unknown>, requestId: string): string {
  return `<${action}Response xmlns="${xmlNamespace}">${toXml(`${action}Result`, output)}`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

/** An error answer: `Sender` for 4xx, `Receiver` for 5xx. */
export function queryError(xmlNamespace: string, code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${type}</Type>`
    + `<Code>${escape(code)}</Code><Message>${escape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/*
 * For tests only: a minimal SMTP server on a loopback port, speaking what nodemailer needs of
 * plain SMTP (RFC 5321): the 220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT.
 * No TLS and no AUTH are offered, so a client configured without them talks plain text. It keeps
 * each message it accepts, and can refuse recipients to play a failing server.
 */

/** A message the server accepted, as sent (dot-unstuffed) and decoded enough to assert on. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  /** The message as transmitted (headers and encoded body), CRLF line ends. */
  readonly raw: string;
  readonly headers: ReadonlyMap<string, string>;
  /** The Subject with RFC 2047 encoded words decoded. */
  readonly subject: string;
  /** The body decoded by its Content-Transfer-Encoding and charset (single-part text only). */
  readonly text: string;
}

export interface FakeSmtpServer {
  readonly host: string;
  readonly port: number;
  /** `smtp://127.0.0.1:PORT`, for SMTP_URL. */
  readonly url: string;
  readonly received: readonly ReceivedMail[];
  /** Every command line the clients sent, in order. */
  readonly commands: readonly string[];
  close(): Promise<void>;
}

export interface FakeSmtpOptions {
  /** Answer RCPT TO with this permanent failure instead of accepting (e.g. "550 5.1.1 no such user"). */
  readonly rejectRecipients?: string;
}

/** Starts the server on a free loopback port. */
export async function startFakeSmtpServer(options: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
  const received: ReceivedMail[] = [];
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serveSession(socket, options, received, commands);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveSession(socket: Socket, options: FakeSmtpOptions, received: ReceivedMail[], commands: string[]): void {
  const reply = (line: string) => socket.write(`${line}\r\n`);
  let buffer = Buffer.alloc(0);
  let inData = false;
  let from = '';
  let to: string[] = [];
  reply('220 fake-smtp.test ESMTP ready');

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (inData) {
        // The message ends with CRLF.CRLF; it is kept as bytes until then so UTF-8 is never split.
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        const raw = buffer.subarray(0, end).toString('utf8').replace(/^\.\./gm, '.');
        buffer = buffer.subarray(end + 5);
        inData = false;
        received.push(parseMail(from, to, `${raw}\r\n`));
        reply('250 2.0.0 Ok: queued');
        continue;
      }
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const line = buffer.subarray(0, eol).toString('utf8');
      buffer = buffer.subarray(eol + 2);
      commands.push(line);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') {
        reply('250-fake-smtp.test greets you');
        reply('250-8BITMIME');
        reply('250 SIZE 10485760');
      } else if (verb === 'HELO') reply('250 fake-smtp.test');
      else if (verb === 'MAIL') {
        from = addressOf(line);
        to = [];
        reply('250 2.1.0 Ok');
      } else if (verb === 'RCPT') {
        if (options.rejectRecipients) reply(options.rejectRecipients);
        else {
          to.push(addressOf(line));
          reply('250 2.1.5 Ok');
        }
      } else if (verb === 'DATA') {
        if (to.length === 0) reply('554 5.5.1 Error: no valid recipients');
        else {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        }
      } else if (verb === 'RSET') {
        from = '';
        to = [];
        reply('250 2.0.0 Ok');
      } else if (verb === 'NOOP') reply('250 2.0.0 Ok');
      else if (verb === 'QUIT') {
        reply('221 2.0.0 Bye');
        socket.end();
        return;
      } else reply('502 5.5.2 Command not implemented');
    }
  });
}

const addressOf = (line: string) => /<([^>]*)>/.exec(line)?.[1] ?? '';

/** Splits headers from body, unfolds headers and decodes the subject and a single-part text body. */
export function parseMail(from: string, to: readonly string[], raw: string): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const charset = /charset="?([\w-]+)"?/i.exec(headers.get('content-type') ?? '')?.[1] ?? 'utf-8';
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : Buffer.from(body, 'utf8');
  return { from, to, raw, headers, subject: decodeEncodedWords(headers.get('subject') ?? ''), text: new TextDecoder(charset).decode(bytes) };
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`); blanks between adjacent words vanish. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, kind: string, text: string) => {
      const bytes = kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return new TextDecoder(charset).decode(bytes);
    });
}

/** Quoted-printable (RFC 2045) to bytes: soft line breaks removed, =XX escapes decoded. */
function decodeQuotedPrintable(text: string): Buffer {
  const joined = text.replace(/=\r?\n/g, '');
  const out: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(out);
}

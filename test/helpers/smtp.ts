import { connect, type Socket } from 'node:net';

export type SmtpResult = { mail: number; rcpt: number; data?: number; replies: string[] };

/**
 * A minimal SMTP client that sends SIZE= like real MTAs do (curl does not), and reports the
 * reply code of each stage, so a test sees exactly where a message was refused.
 */
export async function sendMail(
  port: number,
  options: { from: string; to: string; body: string; size?: boolean },
): Promise<SmtpResult> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with a line "NNN text" (space after the code); "NNN-text" lines continue it.
    for (;;) {
      const match = /(^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
      if (!match) break;
      const end = match.index + match[0].length;
      const reply = buffer.slice(0, end).trim();
      buffer = buffer.slice(end);
      replies.push(reply);
      waiting.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const code = (reply: string) => Number(/(\d{3}) [^\r\n]*$/.exec(reply)?.[1] ?? 0);
  const send = (line: string) => {
    const reply = next();
    socket.write(`${line}\r\n`);
    return reply;
  };
  try {
    await next(); // greeting
    await send('EHLO test.client');
    const message = `From: <${options.from}>\r\nTo: <${options.to}>\r\nSubject: popbot test\r\nMessage-ID: <${Date.now()}.${Math.random()}@test.client>\r\n\r\n${options.body.replace(/\r?\n/g, '\r\n')}\r\n`;
    const mail = code(
      await send(`MAIL FROM:<${options.from}>${options.size === false ? '' : ` SIZE=${Buffer.byteLength(message)}`}`),
    );
    const rcpt = code(await send(`RCPT TO:<${options.to}>`));
    let data: number | undefined;
    if (mail === 250 && rcpt === 250) {
      if (code(await send('DATA')) === 354) {
        const dotted = message.replace(/^\./gm, '..');
        const reply = next();
        socket.write(`${dotted}.\r\n`);
        data = code(await reply);
      }
    }
    await send('QUIT').catch(() => '');
    return { mail, rcpt, data, replies };
  } finally {
    end(socket);
  }
}

function end(socket: Socket) {
  socket.end();
  socket.destroy();
}

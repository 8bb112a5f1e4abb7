import { execFile } from 'node:child_process';

/** POP3 through curl, a real client: the list of messages, or null when the login fails. */
export async function pop3List(port: number, user: string, password: string): Promise<string[] | null> {
  const result = await curl([`pop3://127.0.0.1:${port}/`, '--user', `${user}:${password}`]);
  return result.code === 0 ? result.stdout.split(/\r?\n/).filter(Boolean) : null;
}

/** Retrieves message `n` (1-based) over POP3. */
export async function pop3Retrieve(port: number, user: string, password: string, n: number): Promise<string | null> {
  const result = await curl([`pop3://127.0.0.1:${port}/${n}`, '--user', `${user}:${password}`]);
  return result.code === 0 ? result.stdout : null;
}

function curl(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--max-time', '10', ...args], { encoding: 'utf8' }, (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

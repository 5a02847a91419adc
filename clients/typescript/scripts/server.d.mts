export declare const repositoryRoot: string;
export declare const serverDll: string;
export declare const sandboxWebhookSecret: string;
export interface TestServer {
  baseUrl: string;
  dataDirectory: string;
  log(): string;
  /** Kills the process (SIGKILL) and starts it again on the same port, data and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Runs a command of the server executable (`admin create ...`) on this server's data and database. */
  command(args: string[], standardInput?: string): Promise<{ code: number | null; output: string }>;
}
export declare function startServer(extraEnvironment?: Record<string, string>): Promise<TestServer>;

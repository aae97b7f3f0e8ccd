import type { ChildProcess } from 'node:child_process';

export declare const SIMULATOR_PHONE_NUMBER_ID: string;

export interface StackOptions {
  databaseUrl: string;
  redisUrl?: string;
  host?: string;
  ports: { web: number; engine: number; simulator: number };
  secrets: { secretsKey: string; whatsappAppSecret: string; whatsappVerifyToken: string; simulatorAccessToken: string };
  simulator: boolean;
  /** Ports of the local CRM simulators to start (a missing one is not started). */
  crmSimulators?: { hubspot?: number; zoho?: number; salesforce?: number };
  admin?: { email?: string; password?: string };
  logLevel?: string;
  quiet?: boolean;
  extraEnv?: Record<string, string>;
}

export interface StackService {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  quiet: boolean;
  recentOutput(): string;
}

export type StackAdmin = { created: true; email: string; password: string; generated: boolean; workspaceId: string } | { created: false };

export interface RunningStack {
  urls: { web: string; engine: string; simulator: string | null; crm: { hubspot?: string; zoho?: string; salesforce?: string } };
  admin: StackAdmin;
  services: StackService[];
  stop(): Promise<void>;
}

export declare function startStack(options: StackOptions): Promise<RunningStack>;

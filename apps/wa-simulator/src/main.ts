import { startSimulator } from '@parley/whatsapp-simulator';
import { z } from 'zod';

const envSchema = z.object({
  SIM_HOST: z.string().default('127.0.0.1'),
  SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  SIM_WEBHOOK_URL: z.url().optional(),
  SIM_APP_SECRET: z.string().min(1).optional(),
  SIM_PHONE_NUMBER_ID: z.string().regex(/^\d+$/).default('100000000001'),
  SIM_ACCESS_TOKEN: z.string().min(8).default('simulator-access-token'),
  SIM_DISPLAY_PHONE_NUMBER: z.string().default('15550001111'),
  SIM_WABA_ID: z.string().default('200000000001'),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    process.stderr.write(
      `Invalid configuration:\n${parsed.error.issues.map((i) => `  - ${i.path.map(String).join('.')}: ${i.message}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  const env = parsed.data;
  const simulator = await startSimulator(
    {
      numbers: [
        {
          phoneNumberId: env.SIM_PHONE_NUMBER_ID,
          accessToken: env.SIM_ACCESS_TOKEN,
          displayPhoneNumber: env.SIM_DISPLAY_PHONE_NUMBER,
          wabaId: env.SIM_WABA_ID,
        },
      ],
      webhook: env.SIM_WEBHOOK_URL && env.SIM_APP_SECRET ? { url: env.SIM_WEBHOOK_URL, appSecret: env.SIM_APP_SECRET } : undefined,
    },
    env.SIM_PORT,
    env.SIM_HOST,
  );
  process.stdout.write(`WhatsApp simulator listening on ${simulator.url}\n`);
  const stop = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();

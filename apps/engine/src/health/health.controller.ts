import { Controller, Get, HttpCode, Inject, type OnApplicationShutdown, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Public } from '../auth/public.decorator';
import { ZodResponse } from '../common/api-contract';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { CloudApiHealthService } from './cloud-api-health.service';

type CheckResult =
  | { status: 'up' }
  | { status: 'down'; error: string }
  | { status: 'degraded'; since: string; reason: string | null; lastLatencyMs: number | null };

const checkView = z.object({
  status: z.enum(['up', 'down', 'degraded']),
  error: z.string().optional(),
  since: z.string().optional(),
  reason: z.string().nullable().optional(),
  lastLatencyMs: z.number().nullable().optional(),
});

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await withTimeout(probe());
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController implements OnApplicationShutdown {
  private redis: Redis | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cloudApi: CloudApiHealthService,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @ZodResponse(z.object({ status: z.literal('ok'), role: z.enum(['all', 'api', 'worker']) }))
  live() {
    return { status: 'ok' as const, role: this.config.ENGINE_ROLE };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'PostgreSQL (and Redis, when configured) answer; 503 otherwise. whatsappCloudApi is "degraded" after consecutive slow or failed Cloud API calls: information, never a 503',
  })
  @ZodResponse(z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), checkView) }), {
    description: 'Ready (the same body with status "unavailable" comes with a 503)',
  })
  async ready(@Res({ passthrough: true }) response: Response) {
    const postgres = await check(() => this.dataSource.query('SELECT 1'));
    const checks: Record<string, CheckResult> = { postgres };
    if (this.config.REDIS_URL) {
      this.redis ??= new Redis(this.config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectionName: 'parley-health' });
      const redis = this.redis;
      checks['redis'] = await check(() => redis.ping());
    }
    const ok = Object.values(checks).every((c) => c.status === 'up');
    // Meta being slow is no reason to restart Parley: reported, never counted against readiness.
    if (postgres.status === 'up') checks['whatsappCloudApi'] = await this.cloudApiCheck();
    if (!ok) response.status(503);
    return { status: ok ? ('ok' as const) : ('unavailable' as const), checks };
  }

  private async cloudApiCheck(): Promise<CheckResult> {
    try {
      const state = await withTimeout(this.cloudApi.state());
      if (state?.status !== 'degraded') return { status: 'up' };
      return { status: 'degraded', since: state.since.toISOString(), reason: state.reason, lastLatencyMs: state.last_latency_ms };
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

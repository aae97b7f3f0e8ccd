import { Controller, ForbiddenException, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { ErrorResponses, NonJsonResponse } from '../common/api-contract';
import type { EngineConfig } from '../config/engine-config';
import { ENGINE_CONFIG } from '../config/engine-config.token';
import { EngineMetrics } from './engine-metrics';
import { metricsAccess } from './metrics-access';

/** Prometheus' scrape endpoint, on every engine process (API and workers). */
@ApiTags('health')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    private readonly metrics: EngineMetrics,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Prometheus metrics of this process (text exposition format). With METRICS_TOKEN set: Authorization: Bearer <token>; without: callers on this machine only',
  })
  @NonJsonResponse('text/plain; version=0.0.4', 'Prometheus text exposition format')
  @ErrorResponses({
    401: 'METRICS_TOKEN is set and the bearer token is missing or wrong',
    403: 'No METRICS_TOKEN and the caller is not on this machine',
  })
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    const access = metricsAccess(this.config.METRICS_TOKEN, request.headers.authorization, request.socket.remoteAddress);
    if (access === 'no_token' || access === 'wrong_token') throw new UnauthorizedException('A valid metrics bearer token is required.');
    if (access === 'not_local') throw new ForbiddenException('Metrics are served to this machine only unless METRICS_TOKEN is set.');
    const body = await this.metrics.registry.metrics();
    response.status(200).setHeader('content-type', this.metrics.registry.contentType).send(body);
  }
}

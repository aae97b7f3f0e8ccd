import { Controller, Get, Headers, HttpCode, NotFoundException, Post, Req, Res, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { AnyRole, Roles } from '../../auth/roles.decorator';
import { ErrorResponses, NonJsonResponse, RawBody, ZodParam, ZodQuery, ZodResponse } from '../../common/api-contract';
import { idParam } from '../../common/route-params';
import { MEDIA_RULES } from './media-kinds';
import { MediaFetcherService } from './media-fetcher.service';
import { MediaUploadService } from './media-upload.service';

const uploadQuery = z.object({
  kind: z.enum(['image', 'document', 'video', 'audio']),
  filename: z
    .string()
    .trim()
    .min(1)
    .max(240)
    .refine(
      (name) => !/[/\\]/.test(name) && [...name].every((c) => c.charCodeAt(0) >= 32),
      'a file name, without folders or control characters',
    ),
});
const uploadedView = z.object({
  id: z.uuid(),
  kind: z.string(),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  filename: z.string(),
  recompressed: z.boolean().meta({ description: 'An image over 5 MB (or not JPEG/PNG) was recompressed to JPEG' }),
});
const variantQuery = z.object({ variant: z.enum(['original', 'thumbnail']).default('original') });
const ACCEPTED = [...new Set(Object.values(MEDIA_RULES).flatMap((r) => r.mimeTypes)), 'image/webp', 'image/gif', 'image/heic'];

/** Media of conversations: files customers sent (kept by Parley) and files agents upload to send. */
@ApiTags('conversations')
@Controller('api')
export class MediaController {
  constructor(
    private readonly fetcher: MediaFetcherService,
    private readonly uploads: MediaUploadService,
  ) {}

  @Get('media/:id')
  @AnyRole()
  @ApiOperation({ summary: 'A stored media file (or its thumbnail) of your workspace' })
  @NonJsonResponse('application/octet-stream', 'The file, with its own content type')
  async file(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodQuery(variantQuery) query: z.infer<typeof variantQuery>,
    @Res() response: Response,
  ): Promise<void> {
    const file = await this.fetcher.read(principal.workspaceId, id, query.variant);
    if (!file) throw new NotFoundException('No such file in this workspace (or it is not kept).');
    const inline = file.kind !== 'document' || file.mimeType === 'application/pdf';
    const name = (file.filename ?? `${file.kind}-${id}`).replace(/[^\w.\- ]/g, '_');
    response.status(200);
    response.setHeader('content-type', file.mimeType);
    response.setHeader('content-length', String(file.bytes.length));
    response.setHeader('cache-control', 'private, max-age=3600');
    response.setHeader('x-content-type-options', 'nosniff');
    // Files from customers are shown, never run: no scripts, even in a PDF viewer.
    response.setHeader('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'");
    response.setHeader('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${name}"`);
    response.end(file.bytes);
  }

  @Post('conversations/:id/media')
  @Roles('admin', 'support')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Upload a file to send in the conversation (the body is the file, with its content type): checked against WhatsApp’s limits for its kind, images over 5 MB recompressed to JPEG, uploaded to the Cloud API; send it with {"type": kind, "mediaId": id}',
  })
  @RawBody(ACCEPTED, 'The file itself')
  @ZodResponse(uploadedView, { status: 201, description: 'Uploaded to WhatsApp and kept' })
  @ErrorResponses({
    415: 'Not a file type WhatsApp takes for this kind',
    422: 'WhatsApp refuses the file (type, size)',
    502: 'WhatsApp could not be reached',
  })
  async upload(
    @CurrentPrincipal() principal: Principal,
    @ZodParam('id', idParam) id: string,
    @ZodQuery(uploadQuery) query: z.infer<typeof uploadQuery>,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
  ) {
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body) || !contentType || contentType.startsWith('application/json')) {
      throw new UnsupportedMediaTypeException({
        message: `Send the file itself as the body, with its content type (${ACCEPTED.join(', ')}).`,
        code: 'not_a_file',
      });
    }
    return this.uploads.upload(principal, id, { kind: query.kind, filename: query.filename, contentType, bytes: body });
  }
}

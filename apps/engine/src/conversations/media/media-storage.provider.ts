import type { Provider } from '@nestjs/common';
import type { EngineConfig } from '../../config/engine-config';
import { ENGINE_CONFIG } from '../../config/engine-config.token';
import { LocalMediaStorage } from './local-media-storage';
import { MediaStorage } from './media-storage';
import { S3MediaStorage } from './s3-media-storage';

/** The storage the configuration asks for: S3 when MEDIA_S3_BUCKET is set, else the MEDIA_DIR folder. */
export function createMediaStorage(config: EngineConfig): MediaStorage {
  if (config.MEDIA_S3_BUCKET && config.MEDIA_S3_ENDPOINT && config.MEDIA_S3_ACCESS_KEY_ID && config.MEDIA_S3_SECRET_ACCESS_KEY) {
    return new S3MediaStorage({
      endpoint: config.MEDIA_S3_ENDPOINT,
      bucket: config.MEDIA_S3_BUCKET,
      region: config.MEDIA_S3_REGION,
      accessKeyId: config.MEDIA_S3_ACCESS_KEY_ID,
      secretAccessKey: config.MEDIA_S3_SECRET_ACCESS_KEY,
    });
  }
  return new LocalMediaStorage(config.MEDIA_DIR);
}

export const mediaStorageProvider: Provider = {
  provide: MediaStorage,
  inject: [ENGINE_CONFIG],
  useFactory: (config: EngineConfig) => createMediaStorage(config),
};

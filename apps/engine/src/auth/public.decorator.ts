import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'parley:isPublic';

/** Marks a route that answers anonymous requests (login, health, the signed webhook). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

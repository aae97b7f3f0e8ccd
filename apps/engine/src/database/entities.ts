import { AuditEntry } from '../audit/audit-entry.entity';
import { LoginAttempt } from '../auth/login-attempt.entity';
import { Session } from '../auth/session.entity';
import { Contact } from '../contacts/contact.entity';
import { EventRecord } from '../events/event-record.entity';
import { ExecutionStep } from '../executions/execution-step.entity';
import { Execution } from '../executions/execution.entity';
import { SideEffect } from '../executions/side-effect.entity';
import { FlowVersion } from '../flows/flow-version.entity';
import { Flow } from '../flows/flow.entity';
import { User } from '../users/user.entity';
import { Message } from '../whatsapp/message.entity';
import { WebhookDelivery } from '../whatsapp/webhook-delivery.entity';
import { WhatsAppNumber } from '../whatsapp/whatsapp-number.entity';
import { Workspace } from '../workspaces/workspace.entity';

export const ENTITIES = [
  AuditEntry,
  Contact,
  EventRecord,
  Execution,
  ExecutionStep,
  Flow,
  FlowVersion,
  LoginAttempt,
  Message,
  Session,
  SideEffect,
  User,
  WebhookDelivery,
  WhatsAppNumber,
  Workspace,
];

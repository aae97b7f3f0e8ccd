import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { FlowEngine1763900000000 } from './1763900000000-flow-engine';
import { DispatchClaims1764000000000 } from './1764000000000-dispatch-claims';
import { MessagingPolicy1764100000000 } from './1764100000000-messaging-policy';
import { NumberAppSecrets1764200000000 } from './1764200000000-number-app-secrets';
import { TestRuns1764300000000 } from './1764300000000-test-runs';
import { TestRunMessages1764410000000 } from './1764410000000-test-run-messages';
import { FlowArchive1764420000000 } from './1764420000000-flow-archive';
import { ContactIdentityAndMessageChanges1764440000000 } from './1764440000000-contact-identity-and-message-changes';
import { Conversations1764500000000 } from './1764500000000-conversations';
import { ConversationListIndexes1765110000000 } from './1765110000000-conversation-list-indexes';
import { ServiceHealth1765160000000 } from './1765160000000-service-health';
import { ContactErasure1765161000000 } from './1765161000000-contact-erasure';
import { ApiKeyLastUsed1765135000000 } from './1765135000000-api-key-last-used';
import { AuditChainAndBulkJobs1765130000000 } from './1765130000000-audit-chain-and-bulk-jobs';
import { ContactsWorkspace1765140000000 } from './1765140000000-contacts-workspace';
import { CrmSync1765145000000 } from './1765145000000-crm-sync';
import { Reports1765150000000 } from './1765150000000-reports';
import { ProductCatalogue1765240000000 } from './1765240000000-product-catalogue';
import { WorkspaceMemberships1765230000000 } from './1765230000000-workspace-memberships';
import { ApiKeyPrefix1765231000000 } from './1765231000000-api-key-prefix';
import { ReportDeltas1765250000000 } from './1765250000000-report-deltas';
import { ReportWeeklyDeliveries1765250000001 } from './1765250000001-report-weekly-deliveries';
import { PublishedFlowsNotify1765261000000 } from './1765261000000-published-flows-notify';
import { BulkRetryOnVersion1765262000000 } from './1765262000000-bulk-retry-on-version';
import { ParkedWebhookWorkspaces1765262100000 } from './1765262100000-parked-webhook-workspaces';
import { ExplorerContactNumberSearch1765262200000 } from './1765262200000-explorer-contact-number-search';
import { ExplorerTestRunsIndex1765262300000 } from './1765262300000-explorer-test-runs-index';
import { ExplorerScaleIndexes1765272000000 } from './1765272000000-explorer-scale-indexes';
import { HealthStripRunsIndex1765272100000 } from './1765272100000-health-strip-runs-index';
import { ExplorerVersionStatusIndex1765272200000 } from './1765272200000-explorer-version-status-index';
import { CrmNotes1765263000000 } from './1765263000000-crm-notes';
import { CrmChatHistory1765263100000 } from './1765263100000-crm-chat-history';
import { ReportStatementTriggers1765274000002 } from './1765274000002-report-statement-triggers';
import { ReportRecounts1765274000001 } from './1765274000001-report-recounts';
import { ReportServiceHistograms1765274000000 } from './1765274000000-report-service-histograms';
import { ReportRunEndsAndEdges1765264000000 } from './1765264000000-report-run-ends-and-edges';
import { ConversationCountChangesVacuum1765260000000 } from './1765260000000-conversation-count-changes-vacuum';
import { CrmNightlyBatch1765263200000 } from './1765263200000-crm-nightly-batch';
import { CrmZohoNotifications1765273000000 } from './1765273000000-crm-zoho-notifications';
import { ContactWorkFunctions1765270000000 } from './1765270000000-contact-work-functions';
import { ExecutionHealthCounts1765275000000 } from './1765275000000-execution-health-counts';
import { ExplorerContactNumbersTrgm1765275000001 } from './1765275000001-explorer-contact-numbers-trgm';
import { DuplicateScanJobs1765278000000 } from './1765278000000-duplicate-scan-jobs';
import { ReportDayRollups1765276000000 } from './1765276000000-report-day-rollups';
import { ReportStatementUpdateTriggers1765276000001 } from './1765276000001-report-statement-update-triggers';
import { ReportRebuildSlices1765276000002 } from './1765276000002-report-rebuild-slices';
import { ExplorerEmptyCombinationIndexes1765281000000 } from './1765281000000-explorer-empty-combination-indexes';
import { CrmOutboxNotify1765282000000 } from './1765282000000-crm-outbox-notify';
import { ContactTagsListOrder1765282000001 } from './1765282000001-contact-tags-list-order';
import { ReportServiceTagHistograms1765280000000 } from './1765280000000-report-service-tag-histograms';
import { ReportTagDays1765280000001 } from './1765280000001-report-tag-days';
import { ExecutionsContactStatusOrder1765290000000 } from './1765290000000-executions-contact-status-order';
import { ReportDiscountFacts1765291000000 } from './1765291000000-report-discount-facts';
import { ReportWordDays1765291000001 } from './1765291000001-report-word-days';
import { ReportWordAlerts1765291000002 } from './1765291000002-report-word-alerts';
import { DuplicateScanCappedBlocks1765292000000 } from './1765292000000-duplicate-scan-capped-blocks';
import { ReportDiscountDays1765294000000 } from './1765294000000-report-discount-days';
import { ReportTrafficDeliveries1765294000001 } from './1765294000001-report-traffic-deliveries';
import { ReportDiscountChainsFrom1765295000000 } from './1765295000000-report-discount-chains-from';
import { ContactWorkIdle1765296000000 } from './1765296000000-contact-work-idle';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  InitialSchema1763800000000,
  FlowEngine1763900000000,
  DispatchClaims1764000000000,
  MessagingPolicy1764100000000,
  NumberAppSecrets1764200000000,
  TestRuns1764300000000,
  TestRunMessages1764410000000,
  FlowArchive1764420000000,
  ContactIdentityAndMessageChanges1764440000000,
  Conversations1764500000000,
  ConversationListIndexes1765110000000,
  ServiceHealth1765160000000,
  ContactErasure1765161000000,
  ApiKeyLastUsed1765135000000,
  AuditChainAndBulkJobs1765130000000,
  ContactsWorkspace1765140000000,
  CrmSync1765145000000,
  Reports1765150000000,
  ProductCatalogue1765240000000,
  WorkspaceMemberships1765230000000,
  ApiKeyPrefix1765231000000,
  ReportDeltas1765250000000,
  ReportWeeklyDeliveries1765250000001,
  PublishedFlowsNotify1765261000000,
  BulkRetryOnVersion1765262000000,
  ParkedWebhookWorkspaces1765262100000,
  ExplorerContactNumberSearch1765262200000,
  ExplorerTestRunsIndex1765262300000,
  CrmNotes1765263000000,
  CrmChatHistory1765263100000,
  ReportRunEndsAndEdges1765264000000,
  ConversationCountChangesVacuum1765260000000,
  CrmNightlyBatch1765263200000,
  ExplorerScaleIndexes1765272000000,
  HealthStripRunsIndex1765272100000,
  ExplorerVersionStatusIndex1765272200000,
  CrmZohoNotifications1765273000000,
  ReportServiceHistograms1765274000000,
  ReportRecounts1765274000001,
  ReportStatementTriggers1765274000002,
  ContactWorkFunctions1765270000000,
  ExecutionHealthCounts1765275000000,
  ExplorerContactNumbersTrgm1765275000001,
  DuplicateScanJobs1765278000000,
  ReportDayRollups1765276000000,
  ReportStatementUpdateTriggers1765276000001,
  ReportRebuildSlices1765276000002,
  ExplorerEmptyCombinationIndexes1765281000000,
  CrmOutboxNotify1765282000000,
  ContactTagsListOrder1765282000001,
  ReportServiceTagHistograms1765280000000,
  ReportTagDays1765280000001,
  ExecutionsContactStatusOrder1765290000000,
  ReportDiscountFacts1765291000000,
  ReportWordDays1765291000001,
  ReportWordAlerts1765291000002,
  DuplicateScanCappedBlocks1765292000000,
  ReportDiscountDays1765294000000,
  ReportTrafficDeliveries1765294000001,
  ReportDiscountChainsFrom1765295000000,
  ContactWorkIdle1765296000000,
];

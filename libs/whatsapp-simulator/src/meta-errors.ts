/** How Meta words an error: its title (embedded in `message` as "(#code) Title") and the longer details. */
export interface MetaError {
  code: number;
  title: string;
  details: string;
}

/**
 * The errors the simulator answers with, titled as Meta titles them (error-codes
 * page, pywa). Details are ours where Meta's wording varies between calls.
 */
export const META_ERRORS = {
  reEngagement: {
    code: 131047,
    title: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  throughput: {
    code: 130429,
    title: 'Rate limit hit',
    details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time.',
  },
  pairRate: {
    code: 131056,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    details:
      'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  marketingStopped: {
    code: 131050,
    title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    details: 'The recipient stopped marketing messages from this business.',
  },
  ecosystem: {
    code: 131049,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  undeliverable: {
    code: 131026,
    title: 'Message undeliverable',
    details: 'Unable to deliver message. The recipient may not be a WhatsApp user or may be using an old WhatsApp version.',
  },
  templateMissing: {
    code: 132001,
    title: 'Template name does not exist in the translation',
    details: 'template name does not exist in the translation',
  },
  templateParams: {
    code: 132000,
    title: 'Number of parameters does not match the expected number of params',
    details: 'number of localizable_params does not match the expected number of params',
  },
  templateFormat: {
    code: 132012,
    title: 'Parameter format does not match format in the created template',
    details: 'parameter format does not match format in the created template',
  },
  templatePaused: { code: 132015, title: 'Template is Paused', details: 'The template is paused because of low quality.' },
  templateDisabled: { code: 132016, title: 'Template is disabled', details: 'The template has been disabled because of low quality.' },
  unsupportedInbound: { code: 131051, title: 'Message type unknown', details: 'Message type is currently not supported.' },
} as const satisfies Record<string, MetaError>;

/** Where Meta's error reference lives; status errors carry it as `href`. */
export const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

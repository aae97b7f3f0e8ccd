import type { SeedTemplate } from '@parley/whatsapp-simulator';

/**
 * The approved templates the simulated account starts with: the ones the
 * ready-made flows (libs/flow-templates) send, with the parameter counts
 * those flows fill, so they work out of the box. Once an account has any
 * template, the simulator checks every template send against its registry
 * (132001 for an unknown name, 132000 for a wrong parameter count), as Meta does.
 */
export const SEED_TEMPLATES: readonly SeedTemplate[] = [
  {
    name: 'hello_world',
    language: 'en',
    category: 'UTILITY',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome! This test message comes from your business through the Parley WhatsApp simulator. Reply to start a conversation.',
      },
      { type: 'FOOTER', text: 'Parley simulator sample message' },
    ],
  },
  {
    name: 'order_confirmation',
    language: 'en',
    category: 'UTILITY',
    components: [
      {
        type: 'BODY',
        text: 'Hi {{1}}, thank you for your order! Order {{2}} is confirmed and we are getting it ready. We will message you again as soon as it ships.',
        example: { body_text: [['Anna', 'A-1042']] },
      },
      { type: 'FOOTER', text: 'Parley Home' },
    ],
  },
  {
    name: 'weekly_promo',
    language: 'en',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: "Hi {{1}}, this week's picks are in: up to 20% off sofas, lamps and rugs until Sunday. Take a look before they are gone!",
        example: { body_text: [['Anna']] },
      },
      { type: 'FOOTER', text: 'Not interested? Tap "Stop promotions".' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Show me the deals' },
          { type: 'QUICK_REPLY', text: 'Stop promotions' },
        ],
      },
    ],
  },
  {
    name: 'free_sample',
    language: 'en',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Still deciding? Order a free fabric sample and feel the difference at home. Samples ship within two working days, no strings attached.',
      },
      { type: 'FOOTER', text: 'Parley Home' },
    ],
  },
  {
    name: 'click_follow_up',
    language: 'en',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Still thinking about it, {{1}}? Here is 10% off your order for the next 7 days with code {{2}}.',
        example: { body_text: [['Anna', 'SAVE10-8KQ2']] },
      },
      { type: 'FOOTER', text: 'One use per customer' },
    ],
  },
  {
    name: 'win_back_15',
    language: 'en',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'We miss you, {{1}}! Come back for 15% off anything in store or online with code {{2}}. The code is valid for 14 days.',
        example: { body_text: [['Anna', 'BACK15-3JX9']] },
      },
      { type: 'FOOTER', text: 'Parley Home' },
    ],
  },
  {
    name: 'store_voucher',
    language: 'en',
    category: 'MARKETING',
    components: [
      {
        type: 'BODY',
        text: 'Thanks for stopping by! Here is a $15 voucher for your next visit: show code {{1}} at the checkout.',
        example: { body_text: [['VISIT15-7PD4']] },
      },
      { type: 'FOOTER', text: 'Valid for 30 days in any Parley Home store' },
    ],
  },
];

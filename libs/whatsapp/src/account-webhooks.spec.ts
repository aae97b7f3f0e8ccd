import { change, deliver, messagesValue, METADATA, WABA_ID, webhook } from './webhook-fixtures.spec-helper';

describe('account-level webhooks (contract: Meta webhook reference shapes)', () => {
  it('user_preferences: one item per preference, stop and resume', () => {
    const items = deliver(
      webhook(
        change('user_preferences', {
          messaging_product: 'whatsapp',
          metadata: METADATA,
          contacts: [
            { profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' },
            { profile: { name: 'Marco Rossi' }, wa_id: '393331234567' },
          ],
          user_preferences: [
            {
              wa_id: '16505551234',
              detail: 'User requested to stop marketing messages',
              category: 'marketing_messages',
              value: 'stop',
              timestamp: 1731705721,
            },
            {
              wa_id: '393331234567',
              detail: 'User requested to resume marketing messages',
              category: 'marketing_messages',
              value: 'resume',
              timestamp: 1731705800,
            },
          ],
        }),
      ),
    );
    expect(items).toEqual([
      {
        kind: 'user_preference',
        wabaId: WABA_ID,
        phoneNumberId: METADATA.phone_number_id,
        sender: { waId: '16505551234', userId: null, profileName: 'Sheena Nelson' },
        category: 'marketing_messages',
        value: 'stop',
        timestamp: new Date(1731705721 * 1000),
        detail: 'User requested to stop marketing messages',
      },
      {
        kind: 'user_preference',
        wabaId: WABA_ID,
        phoneNumberId: METADATA.phone_number_id,
        sender: { waId: '393331234567', userId: null, profileName: 'Marco Rossi' },
        category: 'marketing_messages',
        value: 'resume',
        timestamp: new Date(1731705800 * 1000),
        detail: 'User requested to resume marketing messages',
      },
    ]);
  });

  it('user_preferences: an unknown value or a preference without identity is skipped with a reason', () => {
    const items = deliver(
      webhook(
        change('user_preferences', {
          metadata: METADATA,
          user_preferences: [
            { wa_id: '1', category: 'marketing_messages', value: 'signup', timestamp: 1 },
            { category: 'marketing_messages', value: 'stop', timestamp: 1 },
            { wa_id: '1', category: 'marketing_messages', value: 'stop' },
          ],
        }),
      ),
    );
    expect(items).toEqual([
      { kind: 'skipped', wabaId: WABA_ID, field: 'user_preferences', reason: 'preference value signup not handled' },
      { kind: 'skipped', wabaId: WABA_ID, field: 'user_preferences', reason: 'preference without a wa_id or user_id' },
      { kind: 'skipped', wabaId: WABA_ID, field: 'user_preferences', reason: expect.stringContaining('timestamp') },
    ]);
  });

  it('message_template_status_update: status upper case, template id as a string, NONE is no reason', () => {
    const items = deliver(
      webhook(
        change('message_template_status_update', {
          event: 'APPROVED',
          message_template_id: 278077987957091,
          message_template_name: 'order_update',
          message_template_language: 'en_US',
          reason: 'NONE',
          message_template_category: 'UTILITY',
        }),
        change('message_template_status_update', {
          event: 'rejected',
          message_template_id: '594425479261596',
          message_template_name: 'summer_sale',
          message_template_language: 'it',
          reason: 'INVALID_FORMAT',
        }),
        change('message_template_status_update', {
          event: 'PAUSED',
          message_template_id: 1,
          message_template_name: 'promo',
          message_template_language: 'pl',
          reason: null,
          other_info: { title: 'FIRST_PAUSE', description: 'Your template has been paused for 3 hours due to low quality.' },
        }),
      ),
    );
    expect(items).toEqual([
      {
        kind: 'template_status',
        wabaId: WABA_ID,
        templateId: '278077987957091',
        name: 'order_update',
        language: 'en_US',
        status: 'APPROVED',
        reason: null,
      },
      {
        kind: 'template_status',
        wabaId: WABA_ID,
        templateId: '594425479261596',
        name: 'summer_sale',
        language: 'it',
        status: 'REJECTED',
        reason: 'INVALID_FORMAT',
      },
      {
        kind: 'template_status',
        wabaId: WABA_ID,
        templateId: '1',
        name: 'promo',
        language: 'pl',
        status: 'PAUSED',
        reason: 'Your template has been paused for 3 hours due to low quality.',
      },
    ]);
  });

  it('template_category_update: a completed change, and a change only announced', () => {
    const items = deliver(
      webhook(
        change('template_category_update', {
          message_template_id: 278077987957091,
          message_template_name: 'welcome_template',
          message_template_language: 'en-US',
          previous_category: 'UTILITY',
          new_category: 'MARKETING',
        }),
        change('template_category_update', {
          message_template_id: 278077987957091,
          message_template_name: 'welcome_template',
          message_template_language: 'en-US',
          correct_category: 'MARKETING',
          new_category: 'UTILITY',
          category_update_timestamp: 1760711433,
        }),
      ),
    );
    expect(items).toEqual([
      {
        kind: 'template_category',
        wabaId: WABA_ID,
        templateId: '278077987957091',
        name: 'welcome_template',
        language: 'en-US',
        previousCategory: 'UTILITY',
        newCategory: 'MARKETING',
        upcomingCategory: null,
        upcomingAt: null,
      },
      {
        kind: 'template_category',
        wabaId: WABA_ID,
        templateId: '278077987957091',
        name: 'welcome_template',
        language: 'en-US',
        previousCategory: null,
        newCategory: 'UTILITY',
        upcomingCategory: 'MARKETING',
        upcomingAt: new Date(1760711433 * 1000),
      },
    ]);
  });

  it('phone_number_quality_update: limit changes, throughput upgrades, and the newer limit field', () => {
    const items = deliver(
      webhook(
        change('phone_number_quality_update', {
          display_phone_number: '15550783881',
          event: 'UPGRADE',
          current_limit: 'TIER_10K',
          old_limit: 'TIER_2K',
        }),
        change('phone_number_quality_update', {
          display_phone_number: '15550783881',
          event: 'THROUGHPUT_UPGRADE',
          current_limit: 'TIER_UNLIMITED',
        }),
        change('phone_number_quality_update', {
          display_phone_number: '15550783881',
          event: 'DOWNGRADE',
          max_daily_conversations_per_business: 'TIER_250',
        }),
        change('phone_number_quality_update', { display_phone_number: '15550783881' }),
      ),
    );
    expect(items).toEqual([
      {
        kind: 'number_quality',
        wabaId: WABA_ID,
        displayPhoneNumber: '15550783881',
        event: 'UPGRADE',
        currentLimit: 'TIER_10K',
        oldLimit: 'TIER_2K',
      },
      {
        kind: 'number_quality',
        wabaId: WABA_ID,
        displayPhoneNumber: '15550783881',
        event: 'THROUGHPUT_UPGRADE',
        currentLimit: 'TIER_UNLIMITED',
        oldLimit: null,
      },
      {
        kind: 'number_quality',
        wabaId: WABA_ID,
        displayPhoneNumber: '15550783881',
        event: 'DOWNGRADE',
        currentLimit: 'TIER_250',
        oldLimit: null,
      },
      { kind: 'skipped', wabaId: WABA_ID, field: 'phone_number_quality_update', reason: expect.stringContaining('event') },
    ]);
  });

  it('account_update and business_capability_update keep the whole value', () => {
    const ban = { phone_number: '15550783881', event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } };
    const capability = {
      max_daily_conversation_per_phone: 1000,
      max_phone_numbers_per_business: 2,
      max_daily_conversations_per_business: 'TIER_2K',
    };
    expect(deliver(webhook(change('account_update', ban), change('business_capability_update', capability)))).toEqual([
      { kind: 'account_update', wabaId: WABA_ID, field: 'account_update', event: 'ACCOUNT_VIOLATION', detail: ban },
      { kind: 'account_update', wabaId: WABA_ID, field: 'business_capability_update', event: null, detail: capability },
    ]);
  });

  it('value.errors of a messages change become error items', () => {
    const items = deliver(
      webhook(
        change(
          'messages',
          messagesValue({
            contacts: null,
            errors: [
              {
                code: 130429,
                title: 'Rate limit hit',
                message: 'Rate limit hit',
                error_data: {
                  details:
                    'Message failed to send because there were too many messages sent from this phone number in a short period of time',
                },
                href: '/documentation/business-messaging/whatsapp/support/error-codes',
              },
            ],
          }),
        ),
        change('messages', { messaging_product: 'whatsapp', errors: [{ code: 131000, title: 'Something went wrong' }] }),
      ),
    );
    expect(items).toEqual([
      {
        kind: 'error',
        wabaId: WABA_ID,
        phoneNumberId: METADATA.phone_number_id,
        code: 130429,
        title: 'Rate limit hit',
        details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
      },
      { kind: 'error', wabaId: WABA_ID, phoneNumberId: null, code: 131000, title: 'Something went wrong', details: null },
    ]);
  });

  it('unknown fields stay skipped with a reason, including names that exist on Object.prototype', () => {
    expect(deliver(webhook(change('flows', { event: 'FLOW_STATUS_CHANGE' }), change('constructor', {}), change('__proto__', {})))).toEqual([
      { kind: 'skipped', wabaId: WABA_ID, field: 'flows', reason: 'field not handled yet' },
      { kind: 'skipped', wabaId: WABA_ID, field: 'constructor', reason: 'field not handled yet' },
      { kind: 'skipped', wabaId: WABA_ID, field: '__proto__', reason: 'field not handled yet' },
    ]);
  });
});

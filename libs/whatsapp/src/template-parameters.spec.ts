import { templateParameterCounts } from './template-parameters';

describe('templateParameterCounts on template definitions as Graph lists them', () => {
  it('positional: body and text-header placeholders, a URL button with a placeholder, a quick reply', () => {
    expect(
      templateParameterCounts([
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['#1234'] } },
        {
          type: 'BODY',
          text: 'Hi {{1}}, your order {{2}} ships on {{3}}. Questions, {{1}}?',
          example: { body_text: [['Ana', '#1234', 'Monday']] },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' },
            { type: 'QUICK_REPLY', text: 'Stop' },
          ],
        },
      ]),
    ).toEqual({ body: 3, header: 1, buttons: 1, format: 'positional' });
  });

  it('named parameters', () => {
    expect(
      templateParameterCounts([
        { type: 'HEADER', format: 'TEXT', text: 'Hello {{first_name}}' },
        { type: 'BODY', text: 'Your {{ product_name }} is back in stock, {{first_name}}.' },
      ]),
    ).toEqual({ body: 2, header: 1, buttons: 0, format: 'named' });
  });

  it.each(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'])('a %s header takes one parameter', (format) => {
    expect(
      templateParameterCounts([
        { type: 'HEADER', format, example: { header_handle: ['4::x'] } },
        { type: 'BODY', text: 'See attached.' },
      ]),
    ).toEqual({
      body: 0,
      header: 1,
      buttons: 0,
      format: 'positional',
    });
  });

  it('buttons: URL with a placeholder and copy code take one each; static URL, phone, quick replies none', () => {
    expect(
      templateParameterCounts([
        { type: 'BODY', text: 'Use the code below.' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'COPY_CODE', example: 'SUMMER20' },
            { type: 'URL', text: 'Shop', url: 'https://shop.example/' },
            { type: 'URL', text: 'Cart', url: 'https://shop.example/cart/{{1}}' },
            { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+393331234567' },
            { type: 'QUICK_REPLY', text: 'Not interested' },
            { type: 'QUICK_REPLY', text: 'Stop promotions' },
          ],
        },
      ]),
    ).toEqual({ body: 0, header: 0, buttons: 2, format: 'positional' });
  });

  it('authentication: the code in the body and on the OTP button', () => {
    expect(
      templateParameterCounts([
        { type: 'BODY', text: '*{{1}}* is your verification code.', add_security_recommendation: true },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ]),
    ).toEqual({ body: 1, header: 0, buttons: 1, format: 'positional' });
  });

  it('a template without parameters, lower-case types, and junk components', () => {
    expect(templateParameterCounts([])).toEqual({ body: 0, header: 0, buttons: 0, format: 'positional' });
    expect(
      templateParameterCounts([{ type: 'body', text: 'Hi {{1}}' }, { text: 'no type {{1}}' }, { type: 'BUTTONS', buttons: 'none' }]),
    ).toEqual({
      body: 1,
      header: 0,
      buttons: 0,
      format: 'positional',
    });
  });
});

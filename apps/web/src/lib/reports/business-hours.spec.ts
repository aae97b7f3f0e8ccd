import { businessHoursForm, businessHoursPatch, businessHoursSettingsSchema, type BusinessHoursSettings } from './business-hours';

const settings: BusinessHoursSettings = {
  timeZone: 'Europe/Rome',
  reports: {
    businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', perDay: { '6': { open: '10:00', close: '12:00' } } },
    responseThresholdMinutes: 6,
    conversionDays: 7,
  },
};

describe('business hours form', () => {
  it('starts every weekday from its own hours, or the common ones', () => {
    const form = businessHoursForm(settings);
    expect(form.days.map((d) => [d.day, d.open, d.opens, d.closes])).toEqual([
      [0, false, '09:00', '18:00'],
      [1, true, '09:00', '18:00'],
      [2, true, '09:00', '18:00'],
      [3, true, '09:00', '18:00'],
      [4, true, '09:00', '18:00'],
      [5, true, '09:00', '18:00'],
      [6, false, '10:00', '12:00'],
    ]);
  });

  it('sends nothing when nothing changed', () => {
    const form = businessHoursForm(settings);
    expect(businessHoursPatch(form, businessHoursForm(settings))).toBeUndefined();
  });

  it('sends only what changed: a weekday whose closing moved goes whole, an opened day as the list of days', () => {
    const initial = businessHoursForm(settings);
    const edited = {
      ...initial,
      days: initial.days.map((d) => (d.day === 5 ? { ...d, closes: '13:00' } : d.day === 6 ? { ...d, open: true } : d)),
    };
    expect(businessHoursPatch(initial, edited)).toEqual({
      reports: { businessHours: { days: [1, 2, 3, 4, 5, 6], perDay: { '5': { open: '09:00', close: '13:00' } } } },
    });
    expect(businessHoursPatch(initial, { ...initial, timeZone: 'UTC', thresholdMinutes: 10 })).toEqual({
      timeZone: 'UTC',
      reports: { responseThresholdMinutes: 10 },
    });
    expect(businessHoursPatch(initial, { ...initial, conversionDays: 14 })).toEqual({ reports: { conversionDays: 14 } });
  });

  it('a workspace saved before the conversion window was on the form starts from its default, 7 days', () => {
    const older = { timeZone: 'UTC', reports: { businessHours: settings.reports.businessHours, responseThresholdMinutes: 6 } };
    const parsed = businessHoursSettingsSchema.parse(older);
    expect(businessHoursForm(parsed).conversionDays).toBe(7);
  });
});

/** Languages the default keywords come in (the project's markets); a workspace may add keywords in any other under "other". */
export const INTENT_LANGUAGES = ['en', 'it', 'pl', 'es', 'de', 'fr', 'zh', 'other'] as const;
export type IntentLanguage = (typeof INTENT_LANGUAGES)[number];

/** Keywords of one intent, by language. */
export type KeywordsByLanguage = Partial<Record<IntentLanguage, string[]>>;

/**
 * Intents recognised out of the box, by keyword list per language (English,
 * Italian, Polish, Spanish, German, French, Chinese). Workspaces replace the
 * list of any language of any intent, and add intents, in their settings.
 */
export const DEFAULT_INTENT_KEYWORDS: Record<string, KeywordsByLanguage> = {
  price: {
    en: ['price', 'prices', 'how much', 'cost', 'costs', 'discount', 'offer', 'cheaper'],
    it: ['prezzo', 'prezzi', 'quanto costa', 'quanto costano', 'costo', 'sconto', 'offerta'],
    pl: ['cena', 'ceny', 'ile kosztuje', 'koszt', 'rabat', 'zniżka', 'promocja'],
    es: ['precio', 'cuánto cuesta', 'cuanto cuesta', 'descuento'],
    de: ['preis', 'wie viel kostet', 'rabatt'],
    fr: ['prix', 'combien', 'réduction'],
    zh: ['多少钱', '价格', '价钱', '折扣', '優惠', '多少錢'],
  },
  discount: {
    en: ['discount', 'coupon', 'promo'],
    it: ['sconto', 'coupon'],
    pl: ['rabat', 'zniżka', 'kupon'],
    es: ['descuento'],
    de: ['rabatt'],
    fr: ['réduction'],
    zh: ['折扣', '优惠'],
  },
  product: {
    en: ['product', 'details', 'available', 'in stock', 'size', 'colour', 'color'],
    it: ['prodotto', 'disponibile', 'taglia', 'colore'],
    pl: ['produkt', 'dostępny', 'rozmiar', 'kolor'],
    es: ['producto', 'disponible', 'talla'],
    zh: ['产品', '有货'],
  },
  shipping: {
    en: ['shipping', 'delivery', 'deliver'],
    it: ['spedizione', 'consegna'],
    pl: ['wysyłka', 'dostawa'],
    es: ['envío', 'entrega'],
    de: ['versand'],
    fr: ['livraison'],
    zh: ['运费', '配送', '发货'],
  },
  order_status: {
    en: ['where is my order', 'where is my parcel', 'where is my package', 'tracking', 'track my order', 'order status'],
    it: ['dov è il mio ordine', "dov'è il mio ordine", 'dove è il mio pacco', 'dov è il mio pacco', 'tracciamento', 'stato ordine'],
    pl: ['gdzie jest moja paczka', 'gdzie jest moje zamówienie', 'śledzenie', 'status zamówienia'],
    es: ['dónde está mi pedido'],
    de: ['wo ist meine bestellung'],
    fr: ['où est ma commande'],
    zh: ['我的包裹', '物流', '订单状态'],
  },
  returns: {
    en: ['return', 'returns', 'refund', 'exchange'],
    it: ['reso', 'rimborso', 'cambio'],
    pl: ['zwrot', 'wymiana'],
    es: ['devolución', 'reembolso'],
    de: ['rückgabe', 'erstattung'],
    fr: ['retour', 'remboursement'],
    zh: ['退货', '退款'],
  },
  store: {
    en: ['store', 'shop address', 'opening hours', 'near me'],
    it: ['negozio', 'indirizzo', 'orari', 'vicino a me'],
    pl: ['sklep', 'adres', 'godziny otwarcia'],
    es: ['tienda', 'dirección'],
    de: ['geschäft'],
    fr: ['magasin'],
    zh: ['门店', '地址'],
  },
  quote: {
    en: ['quote', 'quotation', 'estimate'],
    it: ['preventivo'],
    pl: ['wycena', 'oferta cenowa'],
    es: ['presupuesto'],
    de: ['angebot'],
    fr: ['devis'],
    zh: ['报价'],
  },
  complaint: {
    en: ['complaint', 'broken', 'damaged', 'not working', 'terrible'],
    it: ['reclamo', 'rotto', 'danneggiato', 'non funziona'],
    pl: ['reklamacja', 'zepsuty', 'uszkodzony', 'nie działa'],
    es: ['queja', 'roto'],
    de: ['beschwerde'],
    fr: ['plainte'],
    zh: ['投诉', '坏了'],
  },
  too_expensive: {
    en: ['too expensive', 'too much'],
    it: ['troppo caro', 'troppo costoso'],
    pl: ['za drogo', 'zbyt drogie'],
    es: ['demasiado caro'],
    de: ['zu teuer'],
    fr: ['trop cher'],
    zh: ['太贵'],
  },
  human: {
    en: ['human', 'agent', 'operator', 'speak to someone'],
    it: ['operatore', 'persona'],
    pl: ['konsultant', 'człowiek'],
    es: ['agente'],
    de: ['mensch'],
    fr: ['humain'],
    zh: ['人工'],
  },
  /** Said alone, a STOP keyword opts the customer out of marketing. */
  stop: {
    en: ['stop', 'unsubscribe'],
    it: ['annulla', 'disiscrivimi', 'basta'],
    pl: ['wypisz', 'rezygnuję'],
    es: ['baja'],
    de: ['abmelden'],
    fr: ['désabonner'],
    zh: ['退订'],
  },
  /** Said alone, a resubscribe keyword brings marketing consent back after a STOP. */
  start: {
    en: ['start', 'subscribe', 'resubscribe'],
    it: ['iscrivimi', 'riattiva'],
    pl: ['zapisz mnie', 'subskrybuj'],
    es: ['alta', 'suscribirme'],
    de: ['anmelden'],
    fr: ["m'abonner"],
    zh: ['订阅'],
  },
};

/** Every language's keywords of an intent in one list (the order of INTENT_LANGUAGES, no repeats). */
export function allLanguages(keywords: KeywordsByLanguage): string[] {
  return [...new Set(INTENT_LANGUAGES.flatMap((language) => keywords[language] ?? []))];
}

/** The default intents with their keywords in every language together, as matching reads them. */
export const DEFAULT_INTENTS: Record<string, string[]> = Object.fromEntries(
  Object.entries(DEFAULT_INTENT_KEYWORDS).map(([name, keywords]) => [name, allLanguages(keywords)]),
);

/** Words that lean positive or negative, for the simple sentiment score. */
export const DEFAULT_SENTIMENT_WORDS = {
  positive: [
    'thanks',
    'thank you',
    'great',
    'love',
    'perfect',
    'happy',
    'excellent',
    'good',
    'amazing',
    'fast',
    'grazie',
    'ottimo',
    'perfetto',
    'bellissimo',
    'contento',
    'felice',
    'bene',
    'dzięki',
    'dziękuję',
    'świetnie',
    'super',
    'doskonale',
    'zadowolony',
    'dobrze',
    'gracias',
    'genial',
    'danke',
    'merci',
    '谢谢',
    '很好',
  ],
  negative: [
    'bad',
    'terrible',
    'awful',
    'angry',
    'disappointed',
    'slow',
    'broken',
    'worst',
    'never again',
    'too expensive',
    'refund',
    'male',
    'pessimo',
    'deluso',
    'arrabbiato',
    'lento',
    'rotto',
    'mai più',
    'troppo caro',
    'źle',
    'fatalnie',
    'rozczarowany',
    'zły',
    'wolno',
    'zepsuty',
    'nigdy więcej',
    'za drogo',
    'malo',
    'schlecht',
    'mauvais',
    '太差',
    '失望',
  ],
};

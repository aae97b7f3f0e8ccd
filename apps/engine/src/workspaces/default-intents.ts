/**
 * Intents recognised out of the box, by keyword list, in the languages of the
 * project's markets (English, Italian, Polish, Spanish, German, French,
 * Chinese). Workspaces add to or replace them in their settings.
 */
export const DEFAULT_INTENTS: Record<string, string[]> = {
  price: [
    'price', 'prices', 'how much', 'cost', 'costs', 'discount', 'offer', 'cheaper',
    'prezzo', 'prezzi', 'quanto costa', 'quanto costano', 'costo', 'sconto', 'offerta',
    'cena', 'ceny', 'ile kosztuje', 'koszt', 'rabat', 'zniżka', 'promocja',
    'precio', 'cuánto cuesta', 'cuanto cuesta', 'descuento',
    'preis', 'wie viel kostet', 'rabatt',
    'prix', 'combien', 'réduction',
    '多少钱', '价格', '价钱', '折扣', '優惠', '多少錢',
  ],
  discount: ['discount', 'coupon', 'promo', 'sconto', 'coupon', 'rabat', 'zniżka', 'kupon', 'descuento', 'rabatt', 'réduction', '折扣', '优惠'],
  product: ['product', 'details', 'available', 'in stock', 'size', 'colour', 'color', 'prodotto', 'disponibile', 'taglia', 'colore', 'produkt', 'dostępny', 'rozmiar', 'kolor', 'producto', 'disponible', 'talla', '产品', '有货'],
  shipping: ['shipping', 'delivery', 'deliver', 'spedizione', 'consegna', 'wysyłka', 'dostawa', 'envío', 'entrega', 'versand', 'livraison', '运费', '配送', '发货'],
  order_status: [
    'where is my order', 'where is my parcel', 'where is my package', 'tracking', 'track my order', 'order status',
    'dov è il mio ordine', "dov'è il mio ordine", 'dove è il mio pacco', 'dov è il mio pacco', 'tracciamento', 'stato ordine',
    'gdzie jest moja paczka', 'gdzie jest moje zamówienie', 'śledzenie', 'status zamówienia',
    'dónde está mi pedido', 'wo ist meine bestellung', 'où est ma commande', '我的包裹', '物流', '订单状态',
  ],
  returns: ['return', 'returns', 'refund', 'exchange', 'reso', 'rimborso', 'cambio', 'zwrot', 'wymiana', 'devolución', 'reembolso', 'rückgabe', 'erstattung', 'retour', 'remboursement', '退货', '退款'],
  store: ['store', 'shop address', 'opening hours', 'near me', 'negozio', 'indirizzo', 'orari', 'vicino a me', 'sklep', 'adres', 'godziny otwarcia', 'tienda', 'dirección', 'geschäft', 'magasin', '门店', '地址'],
  quote: ['quote', 'quotation', 'estimate', 'preventivo', 'wycena', 'oferta cenowa', 'presupuesto', 'angebot', 'devis', '报价'],
  complaint: ['complaint', 'broken', 'damaged', 'not working', 'terrible', 'reclamo', 'rotto', 'danneggiato', 'non funziona', 'reklamacja', 'zepsuty', 'uszkodzony', 'nie działa', 'queja', 'roto', 'beschwerde', 'plainte', '投诉', '坏了'],
  too_expensive: ['too expensive', 'too much', 'troppo caro', 'troppo costoso', 'za drogo', 'zbyt drogie', 'demasiado caro', 'zu teuer', 'trop cher', '太贵'],
  human: ['human', 'agent', 'operator', 'speak to someone', 'operatore', 'persona', 'konsultant', 'człowiek', 'agente', 'mensch', 'humain', '人工'],
  stop: ['stop', 'unsubscribe', 'annulla', 'disiscrivimi', 'basta', 'wypisz', 'rezygnuję', 'baja', 'abmelden', 'désabonner', '退订'],
  /** Said alone, a resubscribe keyword brings marketing consent back after a STOP. */
  start: ['start', 'subscribe', 'resubscribe', 'iscrivimi', 'riattiva', 'zapisz mnie', 'subskrybuj', 'alta', 'suscribirme', 'anmelden', "m'abonner", '订阅'],
};

/** Words that lean positive or negative, for the simple sentiment score. */
export const DEFAULT_SENTIMENT_WORDS = {
  positive: [
    'thanks', 'thank you', 'great', 'love', 'perfect', 'happy', 'excellent', 'good', 'amazing', 'fast',
    'grazie', 'ottimo', 'perfetto', 'bellissimo', 'contento', 'felice', 'bene',
    'dzięki', 'dziękuję', 'świetnie', 'super', 'doskonale', 'zadowolony', 'dobrze',
    'gracias', 'genial', 'danke', 'merci', '谢谢', '很好',
  ],
  negative: [
    'bad', 'terrible', 'awful', 'angry', 'disappointed', 'slow', 'broken', 'worst', 'never again', 'too expensive', 'refund',
    'male', 'pessimo', 'deluso', 'arrabbiato', 'lento', 'rotto', 'mai più', 'troppo caro',
    'źle', 'fatalnie', 'rozczarowany', 'zły', 'wolno', 'zepsuty', 'nigdy więcej', 'za drogo',
    'malo', 'schlecht', 'mauvais', '太差', '失望',
  ],
};

"""Demo help pages: contact, delivery and payment per market, returns and privacy for every market,
in English, Russian and Kyrgyz. Found again by market and kind, so a second run changes nothing."""

from django.db import transaction

from help.models import HelpPage
from storefront.markets import MarketScope

CONTACT, DELIVERY, RETURNS, PAYMENT, PRIVACY = HelpPage.Kind

# (kind, market): {language suffix: (title, body)}; "" is English, the base columns.
PAGES = {
    (CONTACT, MarketScope.KG): {
        "": (
            "Contact us",
            "Our team in Bishkek answers every day from 9:00 to 21:00.\n\n"
            "Phone and WhatsApp: +996 555 010 203\nE-mail: help@marque.kg\n\n"
            "Showroom: Chui Avenue 120, Bishkek (Monday to Saturday, 10:00–20:00). You can try on and "
            "pick up your order there.\n\n"
            "Questions about an order? Have your order number (it starts with MQ-) ready, or simply reply "
            "to the SMS we sent you.",
        ),
        "_ru": (
            "Связаться с нами",
            "Наша команда в Бишкеке отвечает каждый день с 9:00 до 21:00.\n\n"
            "Телефон и WhatsApp: +996 555 010 203\nЭлектронная почта: help@marque.kg\n\n"
            "Шоурум: проспект Чуй, 120, Бишкек (с понедельника по субботу, 10:00–20:00). Там можно "
            "примерить и забрать заказ.\n\n"
            "Вопрос по заказу? Подготовьте номер заказа (он начинается с MQ-) или просто ответьте на "
            "SMS, которое мы вам отправили.",
        ),
        "_ky": (
            "Биз менен байланышуу",
            "Бишкектеги командабыз күн сайын 9:00дөн 21:00гө чейин жооп берет.\n\n"
            "Телефон жана WhatsApp: +996 555 010 203\nЭлектрондук почта: help@marque.kg\n\n"
            "Шоурум: Чүй проспектиси, 120, Бишкек (дүйшөмбүдөн ишембиге чейин, 10:00–20:00). Ал жерден "
            "кийип көрүп, буйрутмаңызды алып кетсеңиз болот.\n\n"
            "Буйрутма боюнча суроо барбы? Буйрутманын номерин (MQ- менен башталат) даярдап коюңуз же "
            "биз жөнөткөн SMSке жооп бериңиз.",
        ),
    },
    (CONTACT, MarketScope.US): {
        "": (
            "Contact us",
            "Our customer care team answers Monday to Friday, 9 am to 6 pm Eastern time.\n\n"
            "Phone: +1 212 555 0100\nE-mail: help@marque.com\n\n"
            "Questions about an order? Have your order number (it starts with MQ-) ready, or reply to the "
            "text message we sent you.",
        ),
        "_ru": (
            "Связаться с нами",
            "Служба поддержки отвечает с понедельника по пятницу, с 9:00 до 18:00 по восточному времени.\n\n"
            "Телефон: +1 212 555 0100\nЭлектронная почта: help@marque.com",
        ),
        "_ky": (
            "Биз менен байланышуу",
            "Колдоо кызматы дүйшөмбүдөн жумага чейин, чыгыш убактысы менен 9:00дөн 18:00гө чейин жооп "
            "берет.\n\nТелефон: +1 212 555 0100\nЭлектрондук почта: help@marque.com",
        ),
    },
    (DELIVERY, MarketScope.KG): {
        "": (
            "Delivery",
            "Bishkek: our courier brings your order in 1–2 days after we confirm it, between 10:00 and "
            "21:00. The courier calls an hour before arriving.\n\n"
            "Regions (Osh, Jalal-Abad, Karakol, Naryn, Talas, Batken, Tokmok and other towns): 3–5 days "
            "by our partner courier service, to your door or to its pick-up point.\n\n"
            "Delivery costs 250 som and is free for orders over 5 000 som.\n\n"
            "You can look at and try on your items before you pay the courier.",
        ),
        "_ru": (
            "Доставка",
            "Бишкек: курьер привезёт заказ за 1–2 дня после подтверждения, с 10:00 до 21:00. Курьер "
            "позвонит за час до приезда.\n\n"
            "Регионы (Ош, Джалал-Абад, Каракол, Нарын, Талас, Баткен, Токмок и другие города): 3–5 дней "
            "через партнёрскую курьерскую службу, до двери или до пункта выдачи.\n\n"
            "Доставка стоит 250 сом и бесплатна для заказов от 5 000 сом.\n\n"
            "Вы можете посмотреть и примерить вещи до оплаты курьеру.",
        ),
        "_ky": (
            "Жеткирүү",
            "Бишкек: курьер буйрутманы ырасталгандан кийин 1–2 күндө, 10:00дөн 21:00гө чейин алып келет. "
            "Курьер келээрден бир саат мурун чалат.\n\n"
            "Аймактар (Ош, Жалал-Абад, Каракол, Нарын, Талас, Баткен, Токмок жана башка шаарлар): өнөктөш "
            "курьердик кызмат аркылуу 3–5 күн, эшигиңизге же берүү пунктуна чейин.\n\n"
            "Жеткирүү 250 сом турат, 5 000 сомдон ашкан буйрутмалар үчүн акысыз.\n\n"
            "Курьерге төлөөдөн мурун буюмдарды карап, кийип көрсөңүз болот.",
        ),
    },
    (DELIVERY, MarketScope.US): {
        "": (
            "Shipping",
            "We ship to all 50 states and the District of Columbia in 3–7 business days after your payment "
            "goes through. You get a text message with the tracking number when your order ships.\n\n"
            "Shipping costs $7.95 and is free on orders over $100. Sales tax is added by the state you ship "
            "to and shown before you pay.",
        ),
        "_ru": (
            "Доставка",
            "Мы доставляем во все 50 штатов и округ Колумбия за 3–7 рабочих дней после оплаты. Когда заказ "
            "отправлен, вы получите SMS с номером для отслеживания.\n\n"
            "Доставка стоит $7.95 и бесплатна для заказов от $100.",
        ),
        "_ky": (
            "Жеткирүү",
            "Бардык 50 штатка жана Колумбия округуна төлөмдөн кийин 3–7 иш күнүндө жеткиребиз. Буйрутма "
            "жөнөтүлгөндө көзөмөлдөө номери менен SMS аласыз.\n\n"
            "Жеткирүү $7.95 турат, $100дөн ашкан буйрутмалар үчүн акысыз.",
        ),
    },
    (PAYMENT, MarketScope.KG): {
        "": (
            "Payment methods",
            "Cash on delivery: pay the courier in som when your order arrives, after you have looked at it.\n\n"
            "Bank transfer: transfer the total to our account with your order number as the reference. The "
            "bank details are on your order confirmation; we confirm the order by SMS as soon as the money "
            "arrives.\n\n"
            "Prices include VAT (12%).",
        ),
        "_ru": (
            "Способы оплаты",
            "Наличными при получении: оплатите курьеру в сомах, когда заказ приедет и вы его посмотрите.\n\n"
            "Банковский перевод: переведите сумму на наш счёт, указав номер заказа в назначении платежа. "
            "Реквизиты — на странице подтверждения заказа; мы подтвердим заказ по SMS, как только деньги "
            "поступят.\n\n"
            "Цены включают НДС (12%).",
        ),
        "_ky": (
            "Төлөө ыкмалары",
            "Алганда накталай: буйрутма келип, аны карап чыккандан кийин курьерге сом менен төлөйсүз.\n\n"
            "Банк которуусу: сумманы төлөмдүн максатына буйрутманын номерин жазып, биздин эсепке "
            "которуңуз. Реквизиттер буйрутманы ырастоо барагында; акча келери менен буйрутманы SMS аркылуу "
            "ырастайбыз.\n\n"
            "Баалар КНСти (12%) камтыйт.",
        ),
    },
    (PAYMENT, MarketScope.US): {
        "": (
            "Payment methods",
            "We accept Visa, Mastercard and American Express cards through Stripe's secure payment page. "
            "We never see or keep your card number.\n\n"
            "Your card is charged when you place the order. If the payment does not go through within 30 "
            "minutes, the order is cancelled and its items go back on sale.",
        ),
        "_ru": (
            "Способы оплаты",
            "Мы принимаем карты Visa, Mastercard и American Express через защищённую страницу оплаты Stripe. "
            "Мы никогда не видим и не храним номер вашей карты.",
        ),
        "_ky": (
            "Төлөө ыкмалары",
            "Visa, Mastercard жана American Express карталарын Stripe'тын коопсуз төлөм барагы аркылуу "
            "кабыл алабыз. Картаңыздын номерин эч качан көрбөйбүз жана сактабайбыз.",
        ),
    },
    (RETURNS, MarketScope.ALL): {
        "": (
            "Returns",
            "Changed your mind? Return any item within 14 days of delivery, unworn and with its tags.\n\n"
            "Tell us the order number and what you are returning (see Contact us); we arrange the pick-up "
            "or tell you where to send it.\n\n"
            "We refund the item's price the way you paid within 7 days of receiving it. Items bought on sale "
            "are refunded at the price you paid.",
        ),
        "_ru": (
            "Возврат",
            "Передумали? Верните любую вещь в течение 14 дней после доставки, неношеной и с бирками.\n\n"
            "Сообщите нам номер заказа и что вы возвращаете (см. «Связаться с нами»); мы организуем забор "
            "или подскажем, куда отправить.\n\n"
            "Мы вернём стоимость тем же способом, которым вы платили, в течение 7 дней после получения "
            "вещи. Вещи со скидкой возвращаются по цене покупки.",
        ),
        "_ky": (
            "Кайтаруу",
            "Оюңуз өзгөрдүбү? Каалаган буюмду жеткирилгенден кийин 14 күндүн ичинде, кийилбеген жана "
            "этикеткасы менен кайтарып бериңиз.\n\n"
            "Буйрутманын номерин жана эмнени кайтарып жатканыңызды бизге айтыңыз («Биз менен байланышуу» "
            "барагын караңыз); алып кетүүнү уюштурабыз же кайда жөнөтүүнү айтабыз.\n\n"
            "Буюмду алгандан кийин 7 күндүн ичинде акчаны сиз төлөгөн ыкма менен кайтарабыз. Арзандатуу "
            "менен алынган буюмдар сатып алынган баасы боюнча кайтарылат.",
        ),
    },
    (PRIVACY, MarketScope.ALL): {
        "": (
            "Privacy",
            "We keep only what we need to deliver your orders: your phone number, name, delivery addresses "
            "and order history.\n\n"
            "Your phone number signs you in with a one-time code; we do not use passwords. We text you about "
            "your orders and never sell or share your data for advertising.\n\n"
            "Card payments are handled by Stripe; we never see your card number.\n\n"
            "To see, correct or delete your data, write to us (see Contact us).",
        ),
        "_ru": (
            "Конфиденциальность",
            "Мы храним только то, что нужно для доставки заказов: номер телефона, имя, адреса доставки и "
            "историю заказов.\n\n"
            "Вход — по номеру телефона и одноразовому коду, без паролей. Мы пишем вам только о заказах и "
            "никогда не продаём и не передаём ваши данные для рекламы.\n\n"
            "Оплату картой обрабатывает Stripe; мы никогда не видим номер карты.\n\n"
            "Чтобы посмотреть, исправить или удалить свои данные, напишите нам (см. «Связаться с нами»).",
        ),
        "_ky": (
            "Купуялык",
            "Буйрутмаларды жеткирүү үчүн керектүү нерселерди гана сактайбыз: телефон номериңиз, атыңыз, "
            "жеткирүү даректериңиз жана буйрутмалардын тарыхы.\n\n"
            "Телефон номери жана бир жолку код менен киресиз, сырсөз жок. Сизге буйрутмалар жөнүндө гана "
            "жазабыз жана маалыматыңызды жарнама үчүн эч качан сатпайбыз жана бербейбиз.\n\n"
            "Карта менен төлөмдөрдү Stripe иштетет; картаңыздын номерин эч качан көрбөйбүз.\n\n"
            "Маалыматыңызды көрүү, оңдоо же өчүрүү үчүн бизге жазыңыз («Биз менен байланышуу» барагын "
            "караңыз).",
        ),
    },
}


@transaction.atomic
def seed_help_pages():
    """The demo help pages, created once and left as a merchandiser may have edited them."""
    for (kind, market), languages in PAGES.items():
        fields = {}
        for suffix, (title, body) in languages.items():
            fields[f"title{suffix}"] = title
            fields[f"body{suffix}"] = body
        HelpPage.objects.get_or_create(market=market, kind=kind, defaults={"slug": kind.value, **fields})

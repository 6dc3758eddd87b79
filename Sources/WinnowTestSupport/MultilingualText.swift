/// News-like paragraphs in the languages tests need, written for these tests (no outside
/// source). Keyed by the code `LanguageDetector` gives.
public enum MultilingualText {
    public static let paragraphs: [String: String] = [
        "en": "The city council approved the new budget on Tuesday evening after a long debate about public transport, schools and the cost of repairing the old bridge over the river, which has been closed to heavy traffic since the spring floods.",
        "de": "Der Stadtrat hat am Dienstagabend nach einer langen Debatte über den öffentlichen Nahverkehr, die Schulen und die Kosten für die Reparatur der alten Brücke den neuen Haushalt beschlossen. Die Brücke ist seit dem Hochwasser im Frühjahr für den Schwerverkehr gesperrt.",
        "fr": "Le conseil municipal a adopté mardi soir le nouveau budget après un long débat sur les transports publics, les écoles et le coût de la réparation du vieux pont sur la rivière, fermé aux poids lourds depuis les inondations du printemps.",
        "es": "El ayuntamiento aprobó el martes por la noche el nuevo presupuesto tras un largo debate sobre el transporte público, las escuelas y el coste de reparar el viejo puente sobre el río, cerrado al tráfico pesado desde las inundaciones de la primavera.",
        "it": "Il consiglio comunale ha approvato martedì sera il nuovo bilancio dopo un lungo dibattito sui trasporti pubblici, sulle scuole e sul costo della riparazione del vecchio ponte sul fiume, chiuso al traffico pesante dalle alluvioni della primavera.",
        "pt": "A câmara municipal aprovou na terça-feira à noite o novo orçamento depois de um longo debate sobre os transportes públicos, as escolas e o custo da reparação da velha ponte sobre o rio, fechada ao trânsito pesado desde as cheias da primavera.",
        "nl": "De gemeenteraad heeft dinsdagavond na een lang debat over het openbaar vervoer, de scholen en de kosten van het herstel van de oude brug over de rivier de nieuwe begroting goedgekeurd. De brug is sinds de overstromingen in het voorjaar gesloten voor zwaar verkeer.",
        "pl": "Rada miejska przyjęła we wtorek wieczorem nowy budżet po długiej debacie o transporcie publicznym, szkołach i kosztach naprawy starego mostu na rzece, który od wiosennej powodzi jest zamknięty dla ciężkiego ruchu.",
        "ru": "Городской совет во вторник вечером утвердил новый бюджет после долгих споров об общественном транспорте, школах и стоимости ремонта старого моста через реку, который закрыт для грузовиков с весеннего наводнения.",
        "uk": "Міська рада у вівторок увечері ухвалила новий бюджет після тривалої дискусії про громадський транспорт, школи та вартість ремонту старого мосту через річку, який закритий для вантажівок після весняної повені.",
        "tr": "Belediye meclisi salı akşamı toplu taşıma, okullar ve nehir üzerindeki eski köprünün onarım maliyeti hakkındaki uzun bir tartışmanın ardından yeni bütçeyi onayladı. Köprü bahar sellerinden beri ağır araç trafiğine kapalı.",
        "el": "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη το βράδυ τον νέο προϋπολογισμό μετά από μακρά συζήτηση για τις δημόσιες συγκοινωνίες, τα σχολεία και το κόστος επισκευής της παλιάς γέφυρας πάνω από το ποτάμι, που είναι κλειστή για τα βαριά οχήματα από τις πλημμύρες της άνοιξης.",
        "ar": "وافق المجلس البلدي مساء الثلاثاء على الميزانية الجديدة بعد نقاش طويل حول النقل العام والمدارس وتكلفة إصلاح الجسر القديم فوق النهر، الذي أغلق أمام الشاحنات الثقيلة منذ فيضانات الربيع الماضي.",
        "he": "מועצת העיר אישרה ביום שלישי בערב את התקציב החדש לאחר ויכוח ארוך על התחבורה הציבורית, בתי הספר ועלות התיקון של הגשר הישן מעל הנהר, שסגור לתנועה כבדה מאז השיטפונות באביב.",
        "ja": "市議会は火曜日の夜、公共交通機関や学校、川に架かる古い橋の修理費用をめぐる長い議論の末、新しい予算案を可決した。この橋は春の洪水以来、大型車の通行が禁止されている。市長は来年度中に工事を始めたいと述べた。",
        "zh": "市议会星期二晚上在就公共交通、学校以及修复河上旧桥的费用进行了长时间辩论之后，批准了新的预算。这座桥自春季洪水以来一直禁止重型车辆通行。市长表示希望在明年开始施工。",
        "ko": "시의회는 화요일 저녁 대중교통과 학교, 강 위의 낡은 다리 보수 비용을 둘러싼 긴 논쟁 끝에 새 예산안을 통과시켰다. 이 다리는 봄 홍수 이후 대형 차량의 통행이 금지되어 있다.",
        "th": "สภาเมืองอนุมัติงบประมาณใหม่เมื่อคืนวันอังคาร หลังจากการอภิปรายอันยาวนานเกี่ยวกับระบบขนส่งสาธารณะ โรงเรียน และค่าซ่อมสะพานเก่าข้ามแม่น้ำ ซึ่งปิดไม่ให้รถบรรทุกหนักสัญจรตั้งแต่เกิดน้ำท่วมในฤดูใบไม้ผลิ",
        "hi": "नगर परिषद ने मंगलवार शाम को सार्वजनिक परिवहन, स्कूलों और नदी पर बने पुराने पुल की मरम्मत की लागत पर लंबी बहस के बाद नया बजट पारित कर दिया। वसंत की बाढ़ के बाद से यह पुल भारी वाहनों के लिए बंद है।",
        "vi": "Hội đồng thành phố đã thông qua ngân sách mới vào tối thứ Ba sau một cuộc tranh luận kéo dài về giao thông công cộng, trường học và chi phí sửa chữa cây cầu cũ bắc qua sông, vốn bị cấm xe tải nặng kể từ trận lũ mùa xuân.",
    ]
}

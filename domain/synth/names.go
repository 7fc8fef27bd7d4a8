package synth

// Built-in word lists. The cities and countries are real places; every
// person, company, street number, document and account built from them is
// invented.

var maleFirst = []string{
	"James", "Lucas", "Mateo", "Noah", "Liam", "Hugo", "Luca", "Matteo", "Leon", "Elias",
	"Oliver", "Arjun", "Rohan", "Hiroshi", "Kenji", "Min-jun", "Ji-ho", "Wei", "Jun", "Omar",
	"Youssef", "Karim", "Chinedu", "Tunde", "Kwame", "Sipho", "Diego", "Santiago", "João", "Pedro",
	"Andrei", "Mikhail", "Piotr", "Jakub", "Lars", "Søren", "Björn", "Dimitris", "Emre", "Mehmet",
	"Minh", "Rafael", "Gabriel", "Tomás", "Felipe", "Thomas", "Daniel", "Samuel", "Ethan", "Adrian",
}

var femaleFirst = []string{
	"Emma", "Olivia", "Sofia", "Lucía", "Chloé", "Mia", "Amelia", "Isabella", "Giulia", "Chiara",
	"Léa", "Hannah", "Anna", "Ingrid", "Freya", "Astrid", "Maja", "Zuzanna", "Ioana", "Elena",
	"María", "Ana", "Camila", "Valentina", "Mariana", "Beatriz", "Priya", "Ananya", "Aiko", "Yuki",
	"Hana", "Seo-yeon", "Ji-woo", "Mei", "Xin", "Fatima", "Amira", "Leila", "Ngozi", "Amara",
	"Zanele", "Thandiwe", "Ayşe", "Elif", "Linh", "Mai", "Zoë", "Nora", "Clara", "Julia",
}

var lastNames = []string{
	"Smith", "García", "Müller", "Rossi", "Dubois", "Silva", "Santos", "Kowalski", "Nowak", "Jansen",
	"de Vries", "Andersen", "Johansson", "Virtanen", "Papadopoulos", "Popescu", "Novak", "Horvat", "Yılmaz", "Demir",
	"Haddad", "Mansour", "El Amrani", "Okafor", "Adeyemi", "Mensah", "Kamau", "Ndlovu", "Nguyen", "Tran",
	"Reyes", "Cruz", "Hernández", "López", "Martínez", "Fernández", "Pereira", "Costa", "Ferreira", "Bianchi",
	"Romano", "Lefebvre", "Moreau", "Schmidt", "Weber", "Fischer", "Becker", "O'Connor", "Murphy", "Walsh",
	"Kim", "Lee", "Park", "Choi", "Tanaka", "Suzuki", "Sato", "Watanabe", "Wang", "Li",
	"Zhang", "Chen", "Liu", "Sharma", "Patel", "Iyer", "Gupta", "Khan", "Cohen", "Levi",
	"Wilson", "Brown", "Taylor", "Martin", "Lindqvist", "Hansen", "Berg", "Kovács", "Dvořák", "Mazur",
}

// streetSet is how streets are named in a language: English-speaking
// countries write the house number first, most others after the name.
type streetSet struct {
	numberAfter bool
	names       []string
}

var (
	enStreets = &streetSet{false, []string{"Harbour Street", "Mill Lane", "Station Road", "Orchard Close", "Maple Drive",
		"Cedar Court", "Riverside Walk", "Kingfisher Way", "Beacon Hill Road", "Garden Terrace", "Chestnut Road",
		"Linden Avenue", "Jacaranda Street", "Palm Grove"}}
	frStreets = &streetSet{false, []string{"rue des Lilas", "rue du Marché", "avenue des Tilleuls", "boulevard des Acacias",
		"rue de la Fontaine", "impasse des Cerisiers"}}
	esStreets = &streetSet{true, []string{"Calle del Olmo", "Calle Mayor", "Paseo de las Acacias", "Avenida de los Pinos",
		"Calle de la Luna", "Calle de los Almendros"}}
	itStreets = &streetSet{true, []string{"Via dei Pini", "Via Garibaldi", "Corso Italia", "Viale delle Rose", "Via della Fontana"}}
	deStreets = &streetSet{true, []string{"Birkenweg", "Lindenstraße", "Am Mühlbach", "Kastanienallee", "Gartenstraße", "Schillerstraße"}}
	nlStreets = &streetSet{true, []string{"Kastanjelaan", "Prinsengracht", "Molenstraat", "Lindelaan", "Dorpsstraat"}}
	ptStreets = &streetSet{true, []string{"Rua das Flores", "Avenida da Liberdade", "Rua do Comércio", "Travessa do Sol", "Rua das Palmeiras"}}
	noStreets = &streetSet{true, []string{"Storgatan", "Havnegade", "Kauppakatu", "Kirkeveien", "Strandvägen", "Nørregade"}}
	plStreets = &streetSet{true, []string{"ul. Lipowa", "ul. Ogrodowa", "ul. Polna", "ul. Słoneczna"}}
	roStreets = &streetSet{true, []string{"Strada Florilor", "Strada Teilor", "Strada Morii", "Strada Livezii"}}
	grStreets = &streetSet{true, []string{"Odos Anthemion", "Odos Ilioupoleos", "Odos Kiprou", "Odos Elias"}}
	trStreets = &streetSet{true, []string{"Çiçek Sokak", "Lale Sokak", "Çınar Caddesi", "Deniz Sokak"}}
	jpStreets = &streetSet{false, []string{"Sakura-dori", "Midori-cho", "Kawabata-dori", "Hikari-cho"}}
	krStreets = &streetSet{true, []string{"Hanbit-ro", "Saemal-gil", "Haneul-ro", "Namsan-gil"}}
)

// streetsOf maps a country (alpha-2) to its street names; English by default.
var streetsOf = map[string]*streetSet{
	"FR": frStreets, "BE": nlStreets, "CH": deStreets, "MA": frStreets, "ES": esStreets, "MX": esStreets,
	"AR": esStreets, "CO": esStreets, "CL": esStreets, "IT": itStreets, "DE": deStreets, "AT": deStreets,
	"NL": nlStreets, "PT": ptStreets, "BR": ptStreets, "SE": noStreets, "NO": noStreets, "DK": noStreets,
	"FI": noStreets, "PL": plStreets, "RO": roStreets, "GR": grStreets, "TR": trStreets, "JP": jpStreets,
	"KR": krStreets,
}

// city is a real place; coordinates are its centre.
type city struct {
	name, state string
	lat, lon    float64
	tz          string
}

// legalForm is a company form: the suffix used in names and its long name.
type legalForm struct{ abbr, name string }

// country is a real country with the formats used to invent data in it.
type country struct {
	a2, a3, name string
	postcode     string // pattern: 9 digit, A letter
	regNo        string // company registration number pattern
	cities       []city
	forms        []legalForm
}

var (
	ltd   = legalForm{"Ltd", "Private Limited Company"}
	plc   = legalForm{"PLC", "Public Limited Company"}
	gmbh  = legalForm{"GmbH", "Gesellschaft mit beschränkter Haftung"}
	ag    = legalForm{"AG", "Aktiengesellschaft"}
	sa    = legalForm{"S.A.", "Sociedad Anónima"}
	inc   = legalForm{"Inc.", "Corporation"}
	llc   = legalForm{"LLC", "Limited Liability Company"}
	coLtd = legalForm{"Co., Ltd.", "Limited Company"}
	ltda  = legalForm{"Ltda.", "Sociedade Limitada"}
	srl   = legalForm{"S.R.L.", "Societate cu Răspundere Limitată"}
)

var countries = []country{
	{"GB", "GBR", "United Kingdom", "AA9 9AA", "99999999", []city{
		{"London", "England", 51.5074, -0.1278, "Europe/London"},
		{"Manchester", "England", 53.4808, -2.2426, "Europe/London"},
		{"Edinburgh", "Scotland", 55.9533, -3.1883, "Europe/London"}},
		[]legalForm{ltd, plc, {"LLP", "Limited Liability Partnership"}}},
	{"IE", "IRL", "Ireland", "A99 A9A9", "999999", []city{
		{"Dublin", "Leinster", 53.3498, -6.2603, "Europe/Dublin"},
		{"Cork", "Munster", 51.8985, -8.4756, "Europe/Dublin"}},
		[]legalForm{ltd, {"DAC", "Designated Activity Company"}}},
	{"FR", "FRA", "France", "99999", "999 999 999", []city{
		{"Paris", "Île-de-France", 48.8566, 2.3522, "Europe/Paris"},
		{"Lyon", "Auvergne-Rhône-Alpes", 45.764, 4.8357, "Europe/Paris"},
		{"Nantes", "Pays de la Loire", 47.2184, -1.5536, "Europe/Paris"}},
		[]legalForm{{"SAS", "Société par actions simplifiée"}, {"SARL", "Société à responsabilité limitée"}, {"SA", "Société anonyme"}}},
	{"DE", "DEU", "Germany", "99999", "HRB 999999", []city{
		{"Berlin", "Berlin", 52.52, 13.405, "Europe/Berlin"},
		{"Munich", "Bavaria", 48.1351, 11.582, "Europe/Berlin"},
		{"Hamburg", "Hamburg", 53.5511, 9.9937, "Europe/Berlin"}},
		[]legalForm{gmbh, ag, {"UG", "Unternehmergesellschaft (haftungsbeschränkt)"}}},
	{"ES", "ESP", "Spain", "99999", "B99999999", []city{
		{"Madrid", "Community of Madrid", 40.4168, -3.7038, "Europe/Madrid"},
		{"Barcelona", "Catalonia", 41.3874, 2.1686, "Europe/Madrid"},
		{"Valencia", "Valencian Community", 39.4699, -0.3763, "Europe/Madrid"}},
		[]legalForm{{"S.L.", "Sociedad Limitada"}, sa}},
	{"PT", "PRT", "Portugal", "9999-999", "999999999", []city{
		{"Lisbon", "Lisbon", 38.7223, -9.1393, "Europe/Lisbon"},
		{"Porto", "Porto", 41.1579, -8.6291, "Europe/Lisbon"}},
		[]legalForm{{"Lda.", "Sociedade por Quotas"}, {"S.A.", "Sociedade Anónima"}}},
	{"IT", "ITA", "Italy", "99999", "MI-9999999", []city{
		{"Milan", "Lombardy", 45.4642, 9.19, "Europe/Rome"},
		{"Rome", "Lazio", 41.9028, 12.4964, "Europe/Rome"},
		{"Turin", "Piedmont", 45.0703, 7.6869, "Europe/Rome"}},
		[]legalForm{{"S.r.l.", "Società a responsabilità limitata"}, {"S.p.A.", "Società per azioni"}}},
	{"NL", "NLD", "Netherlands", "9999 AA", "99999999", []city{
		{"Amsterdam", "North Holland", 52.3676, 4.9041, "Europe/Amsterdam"},
		{"Rotterdam", "South Holland", 51.9244, 4.4777, "Europe/Amsterdam"},
		{"Utrecht", "Utrecht", 52.0907, 5.1214, "Europe/Amsterdam"}},
		[]legalForm{{"B.V.", "Besloten vennootschap"}, {"N.V.", "Naamloze vennootschap"}}},
	{"BE", "BEL", "Belgium", "9999", "0999.999.999", []city{
		{"Brussels", "Brussels-Capital", 50.8503, 4.3517, "Europe/Brussels"},
		{"Antwerp", "Flanders", 51.2194, 4.4025, "Europe/Brussels"}},
		[]legalForm{{"BV", "Besloten vennootschap"}, {"SRL", "Société à responsabilité limitée"}}},
	{"CH", "CHE", "Switzerland", "9999", "CHE-999.999.999", []city{
		{"Zurich", "Zurich", 47.3769, 8.5417, "Europe/Zurich"},
		{"Geneva", "Geneva", 46.2044, 6.1432, "Europe/Zurich"}},
		[]legalForm{ag, gmbh, {"SA", "Société anonyme"}}},
	{"AT", "AUT", "Austria", "9999", "FN 999999a", []city{
		{"Vienna", "Vienna", 48.2082, 16.3738, "Europe/Vienna"},
		{"Graz", "Styria", 47.0707, 15.4395, "Europe/Vienna"}},
		[]legalForm{gmbh, ag}},
	{"PL", "POL", "Poland", "99-999", "0000999999", []city{
		{"Warsaw", "Masovian", 52.2297, 21.0122, "Europe/Warsaw"},
		{"Kraków", "Lesser Poland", 50.0647, 19.945, "Europe/Warsaw"}},
		[]legalForm{{"sp. z o.o.", "Spółka z ograniczoną odpowiedzialnością"}, {"S.A.", "Spółka akcyjna"}}},
	{"SE", "SWE", "Sweden", "999 99", "559999-9999", []city{
		{"Stockholm", "Stockholm County", 59.3293, 18.0686, "Europe/Stockholm"},
		{"Gothenburg", "Västra Götaland", 57.7089, 11.9746, "Europe/Stockholm"}},
		[]legalForm{{"AB", "Aktiebolag"}}},
	{"NO", "NOR", "Norway", "9999", "999 999 999", []city{
		{"Oslo", "Oslo", 59.9139, 10.7522, "Europe/Oslo"},
		{"Bergen", "Vestland", 60.3913, 5.3221, "Europe/Oslo"}},
		[]legalForm{{"AS", "Aksjeselskap"}, {"ASA", "Allmennaksjeselskap"}}},
	{"DK", "DNK", "Denmark", "9999", "99999999", []city{
		{"Copenhagen", "Capital Region", 55.6761, 12.5683, "Europe/Copenhagen"},
		{"Aarhus", "Central Denmark", 56.1629, 10.2039, "Europe/Copenhagen"}},
		[]legalForm{{"ApS", "Anpartsselskab"}, {"A/S", "Aktieselskab"}}},
	{"FI", "FIN", "Finland", "99999", "9999999-9", []city{
		{"Helsinki", "Uusimaa", 60.1699, 24.9384, "Europe/Helsinki"},
		{"Tampere", "Pirkanmaa", 61.4978, 23.761, "Europe/Helsinki"}},
		[]legalForm{{"Oy", "Osakeyhtiö"}, {"Oyj", "Julkinen osakeyhtiö"}}},
	{"GR", "GRC", "Greece", "999 99", "999999999000", []city{
		{"Athens", "Attica", 37.9838, 23.7275, "Europe/Athens"},
		{"Thessaloniki", "Central Macedonia", 40.6401, 22.9444, "Europe/Athens"}},
		[]legalForm{{"S.A.", "Anonymi Etaireia"}, {"IKE", "Idiotiki Kefalaiouchiki Etaireia"}}},
	{"RO", "ROU", "Romania", "999999", "J40/9999/2019", []city{
		{"Bucharest", "Bucharest", 44.4268, 26.1025, "Europe/Bucharest"},
		{"Cluj-Napoca", "Cluj", 46.7712, 23.6236, "Europe/Bucharest"}},
		[]legalForm{srl}},
	{"US", "USA", "United States", "99999", "9999999", []city{
		{"New York", "New York", 40.7128, -74.006, "America/New_York"},
		{"Austin", "Texas", 30.2672, -97.7431, "America/Chicago"},
		{"San Francisco", "California", 37.7749, -122.4194, "America/Los_Angeles"},
		{"Chicago", "Illinois", 41.8781, -87.6298, "America/Chicago"}},
		[]legalForm{inc, llc, {"Corp.", "Corporation"}}},
	{"CA", "CAN", "Canada", "A9A 9A9", "BC9999999", []city{
		{"Toronto", "Ontario", 43.6532, -79.3832, "America/Toronto"},
		{"Vancouver", "British Columbia", 49.2827, -123.1207, "America/Vancouver"},
		{"Montréal", "Quebec", 45.5019, -73.5674, "America/Toronto"}},
		[]legalForm{inc, {"Ltd.", "Limited Company"}}},
	{"MX", "MEX", "Mexico", "99999", "N-2019099999", []city{
		{"Mexico City", "Mexico City", 19.4326, -99.1332, "America/Mexico_City"},
		{"Guadalajara", "Jalisco", 20.6597, -103.3496, "America/Mexico_City"}},
		[]legalForm{{"S.A. de C.V.", "Sociedad Anónima de Capital Variable"}}},
	{"BR", "BRA", "Brazil", "99999-999", "99.999.999/0001-99", []city{
		{"São Paulo", "São Paulo", -23.5505, -46.6333, "America/Sao_Paulo"},
		{"Rio de Janeiro", "Rio de Janeiro", -22.9068, -43.1729, "America/Sao_Paulo"}},
		[]legalForm{ltda, {"S.A.", "Sociedade Anônima"}}},
	{"AR", "ARG", "Argentina", "A9999AAA", "30-99999999-9", []city{
		{"Buenos Aires", "Buenos Aires", -34.6037, -58.3816, "America/Argentina/Buenos_Aires"},
		{"Córdoba", "Córdoba", -31.4201, -64.1888, "America/Argentina/Cordoba"}},
		[]legalForm{{"S.R.L.", "Sociedad de Responsabilidad Limitada"}, sa}},
	{"CO", "COL", "Colombia", "999999", "999.999.999-9", []city{
		{"Bogotá", "Bogotá D.C.", 4.711, -74.0721, "America/Bogota"},
		{"Medellín", "Antioquia", 6.2442, -75.5812, "America/Bogota"}},
		[]legalForm{{"S.A.S.", "Sociedad por Acciones Simplificada"}}},
	{"CL", "CHL", "Chile", "9999999", "76.999.999-9", []city{
		{"Santiago", "Santiago Metropolitan", -33.4489, -70.6693, "America/Santiago"},
		{"Valparaíso", "Valparaíso", -33.0472, -71.6127, "America/Santiago"}},
		[]legalForm{{"SpA", "Sociedad por Acciones"}, {"Ltda.", "Sociedad de Responsabilidad Limitada"}}},
	{"JP", "JPN", "Japan", "999-9999", "9999-99-999999", []city{
		{"Tokyo", "Tokyo", 35.6762, 139.6503, "Asia/Tokyo"},
		{"Osaka", "Osaka", 34.6937, 135.5023, "Asia/Tokyo"},
		{"Fukuoka", "Fukuoka", 33.5904, 130.4017, "Asia/Tokyo"}},
		[]legalForm{{"K.K.", "Kabushiki Kaisha"}, {"G.K.", "Godo Kaisha"}}},
	{"KR", "KOR", "South Korea", "99999", "999-99-99999", []city{
		{"Seoul", "Seoul", 37.5665, 126.978, "Asia/Seoul"},
		{"Busan", "Busan", 35.1796, 129.0756, "Asia/Seoul"}},
		[]legalForm{coLtd}},
	{"IN", "IND", "India", "999999", "U72900MH2019PTC999999", []city{
		{"Mumbai", "Maharashtra", 19.076, 72.8777, "Asia/Kolkata"},
		{"Bengaluru", "Karnataka", 12.9716, 77.5946, "Asia/Kolkata"},
		{"Delhi", "Delhi", 28.7041, 77.1025, "Asia/Kolkata"}},
		[]legalForm{{"Pvt. Ltd.", "Private Limited Company"}, {"Ltd.", "Public Limited Company"}}},
	{"SG", "SGP", "Singapore", "999999", "201999999A", []city{
		{"Singapore", "Singapore", 1.3521, 103.8198, "Asia/Singapore"}},
		[]legalForm{{"Pte. Ltd.", "Private Company Limited by Shares"}}},
	{"AU", "AUS", "Australia", "9999", "999 999 999", []city{
		{"Sydney", "New South Wales", -33.8688, 151.2093, "Australia/Sydney"},
		{"Melbourne", "Victoria", -37.8136, 144.9631, "Australia/Melbourne"},
		{"Brisbane", "Queensland", -27.4698, 153.0251, "Australia/Brisbane"}},
		[]legalForm{{"Pty Ltd", "Proprietary Limited Company"}}},
	{"NZ", "NZL", "New Zealand", "9999", "9999999", []city{
		{"Auckland", "Auckland", -36.8485, 174.7633, "Pacific/Auckland"},
		{"Wellington", "Wellington", -41.2865, 174.7762, "Pacific/Auckland"}},
		[]legalForm{{"Limited", "Limited Company"}}},
	{"ZA", "ZAF", "South Africa", "9999", "2019/999999/07", []city{
		{"Cape Town", "Western Cape", -33.9249, 18.4241, "Africa/Johannesburg"},
		{"Johannesburg", "Gauteng", -26.2041, 28.0473, "Africa/Johannesburg"}},
		[]legalForm{{"(Pty) Ltd", "Private Company"}}},
	{"NG", "NGA", "Nigeria", "999999", "RC 9999999", []city{
		{"Lagos", "Lagos", 6.5244, 3.3792, "Africa/Lagos"},
		{"Abuja", "Federal Capital Territory", 9.0765, 7.3986, "Africa/Lagos"}},
		[]legalForm{ltd}},
	{"KE", "KEN", "Kenya", "99999", "PVT-AAA9AAA", []city{
		{"Nairobi", "Nairobi", -1.2921, 36.8219, "Africa/Nairobi"},
		{"Mombasa", "Mombasa", -4.0435, 39.6682, "Africa/Nairobi"}},
		[]legalForm{{"Limited", "Private Limited Company"}}},
	{"MA", "MAR", "Morocco", "99999", "999999", []city{
		{"Casablanca", "Casablanca-Settat", 33.5731, -7.5898, "Africa/Casablanca"},
		{"Rabat", "Rabat-Salé-Kénitra", 34.0209, -6.8416, "Africa/Casablanca"}},
		[]legalForm{{"SARL", "Société à responsabilité limitée"}}},
	{"TR", "TUR", "Turkey", "99999", "999999-5", []city{
		{"Istanbul", "Istanbul", 41.0082, 28.9784, "Europe/Istanbul"},
		{"Ankara", "Ankara", 39.9334, 32.8597, "Europe/Istanbul"}},
		[]legalForm{{"A.Ş.", "Anonim Şirket"}, {"Ltd. Şti.", "Limited Şirket"}}},
	{"AE", "ARE", "United Arab Emirates", "", "DMCC-999999", []city{
		{"Dubai", "Dubai", 25.2048, 55.2708, "Asia/Dubai"},
		{"Abu Dhabi", "Abu Dhabi", 24.4539, 54.3773, "Asia/Dubai"}},
		[]legalForm{llc, {"FZE", "Free Zone Establishment"}}},
	{"VN", "VNM", "Vietnam", "999999", "0319999999", []city{
		{"Ho Chi Minh City", "Ho Chi Minh City", 10.8231, 106.6297, "Asia/Ho_Chi_Minh"},
		{"Hanoi", "Hanoi", 21.0278, 105.8342, "Asia/Ho_Chi_Minh"}},
		[]legalForm{coLtd}},
	{"PH", "PHL", "Philippines", "9999", "CS201999999", []city{
		{"Manila", "Metro Manila", 14.5995, 120.9842, "Asia/Manila"},
		{"Cebu City", "Central Visayas", 10.3157, 123.8854, "Asia/Manila"}},
		[]legalForm{inc}},
}

package synth

// Word lists for companies, devices and other invented details.

var companyWords = []string{
	"Albatross", "Meridian", "Northwind", "Bluefin", "Cedar", "Copperleaf", "Driftwood", "Evergreen",
	"Falcon", "Granite", "Harbour", "Ironbark", "Juniper", "Kestrel", "Lighthouse", "Maplestone",
	"Nimbus", "Oakridge", "Pinnacle", "Quartz", "Redwood", "Silverline", "Tidewater", "Umber",
	"Vantage", "Willow", "Yellowtail", "Zephyr", "Amberline", "Brightwater", "Cobalt", "Dovetail",
	"Emberly", "Foxglove", "Goldcrest", "Highmoor", "Indigo", "Larkspur", "Mistral", "Orchid",
	"Saltmarsh", "Thistle", "Westbrook", "Heron", "Arbor", "Lumen",
}

var companySuffixes = []string{
	"Partners", "Group", "Holdings", "Systems", "Solutions", "Works", "Labs", "Ventures",
	"Collective", "Industries", "Services", "International", "Studio", "Network",
}

// sector is a line of business: the word used in company names and its NACE
// Rev. 2 class.
type sector struct{ word, code, description string }

var sectors = []sector{
	{"Freight", "49.41", "Freight transport by road"},
	{"Logistics", "52.29", "Other transportation support activities"},
	{"Analytics", "62.02", "Computer consultancy activities"},
	{"Software", "62.01", "Computer programming activities"},
	{"Capital", "64.99", "Other financial service activities, except insurance and pension funding, n.e.c."},
	{"Payments", "66.19", "Other activities auxiliary to financial services, except insurance and pension funding"},
	{"Foods", "10.89", "Manufacture of other food products n.e.c."},
	{"Textiles", "13.92", "Manufacture of made-up textile articles, except apparel"},
	{"Energy", "35.11", "Production of electricity"},
	{"Construction", "41.20", "Construction of residential and non-residential buildings"},
	{"Consulting", "70.22", "Business and other management consultancy activities"},
	{"Marine", "50.20", "Sea and coastal freight water transport"},
	{"Pharma", "21.20", "Manufacture of pharmaceutical preparations"},
	{"Media", "59.11", "Motion picture, video and television programme production activities"},
	{"Realty", "68.20", "Renting and operating of own or leased real estate"},
	{"Trading", "46.90", "Non-specialised wholesale trade"},
	{"Robotics", "28.99", "Manufacture of other special-purpose machinery n.e.c."},
	{"Biotech", "72.11", "Research and experimental development on biotechnology"},
	{"Travel", "79.12", "Tour operator activities"},
	{"Hospitality", "55.10", "Hotels and similar accommodation"},
	{"Agritech", "01.61", "Support activities for crop production"},
	{"Telecom", "61.10", "Wired telecommunications activities"},
	{"Security", "80.10", "Private security activities"},
	{"Design", "74.10", "Specialised design activities"},
	{"Commerce", "47.91", "Retail sale via mail order houses or via Internet"},
	{"Motors", "45.11", "Sale of cars and light motor vehicles"},
	{"Health", "86.90", "Other human health activities"},
	{"Learning", "85.59", "Other education n.e.c."},
	{"Games", "58.21", "Publishing of computer games"},
	{"Architecture", "71.11", "Architectural activities"},
	{"Coffee", "46.37", "Wholesale of coffee, tea, cocoa and spices"},
	{"Recycling", "38.32", "Recovery of sorted materials"},
}

// device is a kind of device a session may be completed on.
type device struct {
	brand, model, os, platform string
	browsers                   []string
}

var (
	iosBrowsers     = []string{"Mobile Safari", "Chrome Mobile iOS"}
	androidBrowsers = []string{"Chrome Mobile", "Samsung Internet", "Firefox Mobile"}
	desktopBrowsers = []string{"Chrome", "Firefox", "Edge", "Safari"}
)

var devices = []device{
	{"Apple", "iPhone 15", "iOS", "mobile", iosBrowsers},
	{"Apple", "iPhone 14 Pro", "iOS", "mobile", iosBrowsers},
	{"Apple", "iPhone 13", "iOS", "mobile", iosBrowsers},
	{"Apple", "iPhone SE", "iOS", "mobile", iosBrowsers},
	{"Samsung", "Galaxy S23", "Android", "mobile", androidBrowsers},
	{"Samsung", "Galaxy A54", "Android", "mobile", androidBrowsers},
	{"Samsung", "Galaxy A14", "Android", "mobile", androidBrowsers},
	{"Google", "Pixel 8", "Android", "mobile", androidBrowsers},
	{"Google", "Pixel 7a", "Android", "mobile", androidBrowsers},
	{"Xiaomi", "Redmi Note 12", "Android", "mobile", androidBrowsers},
	{"OnePlus", "11", "Android", "mobile", androidBrowsers},
	{"Motorola", "Moto G84", "Android", "mobile", androidBrowsers},
	{"Apple", "Mac", "Mac OS X", "desktop", desktopBrowsers},
	{"Dell", "XPS 13", "Windows", "desktop", desktopBrowsers[:3]},
	{"Lenovo", "ThinkPad T14", "Windows", "desktop", desktopBrowsers[:3]},
	{"HP", "EliteBook 840", "Windows", "desktop", desktopBrowsers[:3]},
	{"Generic", "Desktop", "Linux", "desktop", desktopBrowsers[:2]},
}

var livenessMethods = []string{"PASSIVE", "PASSIVE", "ACTIVE_3D", "FLASHING"}

var poaKinds = []struct{ docType, issuerWord string }{
	{"Utility Bill", "Energy"},
	{"Utility Bill", "Water"},
	{"Utility Bill", "Power and Gas"},
	{"Bank Statement", "Bank"},
	{"Bank Statement", "Savings Bank"},
	{"Phone Bill", "Mobile"},
	{"Internet Bill", "Broadband"},
	{"Tax Statement", "Revenue Office"},
	{"Rental Agreement", "Lettings"},
	{"Insurance Statement", "Insurance"},
}

var carriers = []string{
	"Nimbus Mobile", "Kestrel Wireless", "Bluefin Telecom", "Zephyr Connect", "Harbour Cellular",
	"Goldcrest Mobile", "Indigo Networks", "Lumen Wireless",
}

var breachNames = []struct{ name, domain string }{
	{"ShopNest", "shopnest.example"},
	{"FitTrack", "fittrack.example"},
	{"GameHub", "gamehub.example"},
	{"Travelly", "travelly.example"},
	{"PhotoDrop", "photodrop.example"},
	{"ForumLand", "forumland.example"},
}

var breachData = []string{"Email addresses", "Passwords", "Usernames", "Phone numbers", "Dates of birth", "IP addresses"}

var adverseCrimes = []string{"Fraud", "Money laundering", "Tax evasion", "Bribery", "Embezzlement", "Market manipulation"}

var pepPositions = []string{
	"Member of Parliament", "Deputy Minister", "Mayor", "Ambassador", "Board member of a state-owned enterprise",
	"Senior judge", "Regional governor", "Central bank official",
}

var companyDocTypes = []string{
	"Certificate of Incorporation", "Articles of Association", "Shareholder Register", "Proof of Registered Address",
}

var fundSources = []string{
	"Revenue from operations", "Shareholder capital", "Bank loan", "Venture capital investment",
	"Retained earnings", "Sale of assets",
}

var volumes = []string{"Under 10,000 EUR", "10,000 - 50,000 EUR", "50,000 - 250,000 EUR", "250,000 - 1,000,000 EUR"}

var headcounts = []string{"1-10", "11-50", "51-200", "201-500"}

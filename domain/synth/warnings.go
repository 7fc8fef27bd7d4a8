package synth

// The risk signals generated checks may carry. "error" warnings explain a
// declined check, "warning" ones a check left for review.

func warn(risk, short, long string) warning { return warning{risk, short, long, "warning"} }
func fail(risk, short, long string) warning { return warning{risk, short, long, "error"} }

var (
	// id_verifications
	wDocumentExpired = fail("DOCUMENT_EXPIRED", "The document is expired",
		"The expiration date printed on the document is in the past, so it cannot be accepted.")
	wDataInconsistent = fail("DATA_INCONSISTENT", "Document data is inconsistent",
		"The data read from the machine-readable zone does not match the data printed on the document.")
	wTampering = fail("POSSIBLE_DOCUMENT_TAMPERING", "Possible document tampering",
		"Signs of digital alteration were found on the document photo and text fields.")
	wNameMismatch = warn("NAME_MISMATCH_WITH_PROVIDED", "Name differs from the one provided",
		"The name extracted from the document differs from the name supplied when the session was created.")
	wDocumentExpiresSoon = warn("DOCUMENT_EXPIRES_SOON", "The document expires soon",
		"The document expires within the next 30 days; the verification may need to be renewed.")

	// liveness_checks
	wLivenessLow = warn("LOW_LIVENESS_SCORE", "Low liveness score",
		"The liveness score is below the approval threshold but above the decline threshold.")
	wLivenessAttack = fail("LIVENESS_FACE_ATTACK", "Presentation attack detected",
		"The face presented to the camera appears to be a printed photo, a screen replay or a mask.")

	// face_matches
	wFaceLow = warn("LOW_FACE_MATCH_SIMILARITY", "Low face match similarity",
		"The similarity between the selfie and the document portrait is below the approval threshold.")
	wFaceFail = fail("FACE_MATCH_FAILED", "Faces do not match",
		"The person in the selfie does not appear to be the person pictured on the document.")

	// aml_screenings
	wAMLPossible = warn("POSSIBLE_MATCH_FOUND", "Possible match in watchlists",
		"One or more watchlist entries resemble the screened data and need an analyst to rule them out.")
	wAMLConfirmed = fail("CONFIRMED_MATCH", "Confirmed sanctions match",
		"The screened data matches an entry on a sanctions list with high confidence.")

	// database_validations
	wDBPartial = warn("PARTIAL_DATABASE_MATCH", "Partial match in government database",
		"Some of the identity data matched the government database only partially.")
	wDBNoMatch = fail("NO_DATABASE_MATCH", "No match in government database",
		"The identity data could not be matched against the government database.")

	// proof_of_address
	wPOAPartialName = warn("POA_NAME_PARTIAL_MATCH", "Name partially matches",
		"The name on the proof of address only partially matches the verified identity.")
	wPOATooOld = fail("POA_DOCUMENT_TOO_OLD", "Proof of address is too old",
		"The proof of address was issued more than 90 days before the session.")
	wPOANameMismatch = fail("POA_NAME_MISMATCH", "Name does not match",
		"The name on the proof of address does not match the verified identity.")

	// location_checks
	wVPN = warn("VPN_OR_TOR_DETECTED", "VPN or Tor detected",
		"The session was completed through an anonymising network, hiding the user's real location.")
	wIPCountry = warn("IP_COUNTRY_MISMATCH", "IP country differs from document",
		"The IP address is located in a different country than the one that issued the document.")
	wTor = fail("TOR_EXIT_NODE_DETECTED", "Tor exit node detected",
		"The session was completed from a known Tor exit node hosted in a data centre.")

	// phone_verifications
	wPhoneVirtual = warn("VIRTUAL_PHONE_NUMBER", "Virtual phone number",
		"The phone number belongs to a virtual (VoIP) provider.")
	wPhoneReused = warn("PHONE_VERIFICATION_REUSED", "Phone verified in an earlier session",
		"The phone number's verification was not made during this session but reused from an earlier one.")
	wPhoneDisposable = fail("DISPOSABLE_PHONE_NUMBER", "Disposable phone number",
		"The phone number belongs to a temporary, disposable number service.")

	// email_verifications
	wEmailBreached = warn("EMAIL_FOUND_IN_BREACHES", "Email found in data breaches",
		"The email address appears in one or more known data breaches.")
	wEmailDisposable = fail("DISPOSABLE_EMAIL_ADDRESS", "Disposable email address",
		"The email address belongs to a temporary, disposable mailbox service.")

	// registry_checks
	wCompanyInactive = fail("COMPANY_NOT_ACTIVE", "Company is not active",
		"The registry lists the company as no longer active, so it cannot be onboarded.")
	wRecentlyIncorporated = warn("RECENTLY_INCORPORATED", "Recently incorporated company",
		"The company was incorporated less than six months ago.")
	wAddressMismatch = warn("REGISTERED_ADDRESS_MISMATCH", "Registered address differs",
		"The registered address in the registry differs from the address declared by the company.")

	// key_people_checks
	wPersonReview = warn("KEY_PERSON_IN_REVIEW", "A key person needs review",
		"The identity verification of this key person was left for manual review.")
	wPersonDeclined = fail("KEY_PERSON_DECLINED", "A key person was declined",
		"The identity verification of this key person was declined.")

	// document_verifications
	wDocOutdated = warn("DOCUMENT_OUTDATED", "Document is outdated",
		"The document was issued more than three months ago; a recent copy may be required.")
	wCompanyDocExpired = fail("COMPANY_DOCUMENT_EXPIRED", "Company document expired",
		"The document's validity ended before the session, so a current copy is required.")
	wDocTampered = fail("DOCUMENT_TAMPERING_SUSPECTED", "Document tampering suspected",
		"The file's metadata and layout show signs of editing after issuance.")

	// questionnaires
	wHighRiskActivity = warn("HIGH_RISK_ACTIVITY_DECLARED", "High-risk activity declared",
		"The answers declare an activity the compliance policy treats as high risk.")
	wProhibitedActivity = fail("PROHIBITED_ACTIVITY_DECLARED", "Prohibited activity declared",
		"The answers declare an activity the compliance policy does not allow.")
)

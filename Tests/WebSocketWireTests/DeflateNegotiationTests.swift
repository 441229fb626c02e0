import Testing

@testable import WebSocketWire

private func offers(_ header: String) -> [ExtensionOffer] { ExtensionOffer.parse([header]) }

private func parameters(_ element: String, as kind: DeflateParameters.Kind) -> Result<
    DeflateParameters, DeflateNegotiationError
> {
    DeflateParameters.parse(offers(element)[0], as: kind)
}

/// One server decision of the Autobahn accept rules, restated by hand from the reference facts:
/// the group, the offers header, and the response header (`nil` = declined).
struct DeflateAcceptCase: CustomStringConvertible, Sendable {
    var profile: AutobahnDeflateProfile
    var offers: String
    var response: String?
    var offerIndex = 0
    var description: String { "\(profile.rawValue): \(offers)" }
}

private let autobahnOwn = "permessage-deflate; client_no_context_takeover; client_max_window_bits"

let deflateAcceptCases: [DeflateAcceptCase] = [
    // Each group's own client offers (what the tester sends in fuzzingclient mode).
    DeflateAcceptCase(profile: .plain, offers: autobahnOwn, response: "permessage-deflate"),
    DeflateAcceptCase(
        profile: .noContextTakeover, offers: autobahnOwn + "; server_no_context_takeover",
        response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
    DeflateAcceptCase(
        profile: .windowBits9, offers: autobahnOwn + "; server_max_window_bits=9",
        response: "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9"),
    DeflateAcceptCase(
        profile: .windowBits15, offers: autobahnOwn + "; server_max_window_bits=15",
        response: "permessage-deflate; server_max_window_bits=15; client_max_window_bits=15"),
    DeflateAcceptCase(
        profile: .noContextTakeoverWindowBits9,
        offers: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=9",
        response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; "
            + "client_no_context_takeover; client_max_window_bits=9"),
    DeflateAcceptCase(
        profile: .noContextTakeoverWindowBits15,
        offers: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=15",
        response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=15; "
            + "client_no_context_takeover; client_max_window_bits=15"),
    DeflateAcceptCase(
        profile: .threeOffers,
        offers: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=9, " + autobahnOwn
            + "; server_no_context_takeover, " + autobahnOwn,
        response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; "
            + "client_no_context_takeover; client_max_window_bits=9"),
    // Offers from other clients.
    DeflateAcceptCase(profile: .plain, offers: "permessage-deflate", response: "permessage-deflate"),
    DeflateAcceptCase(
        profile: .plain, offers: "permessage-deflate; server_max_window_bits=10; server_no_context_takeover",
        response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10"),
    // The no-context-takeover requirement is met by every offer, asked for or not.
    DeflateAcceptCase(
        profile: .noContextTakeover, offers: "permessage-deflate",
        response: "permessage-deflate; client_no_context_takeover"),
    // A window request needs client_max_window_bits in the offer.
    DeflateAcceptCase(profile: .windowBits9, offers: "permessage-deflate", response: nil),
    DeflateAcceptCase(profile: .noContextTakeoverWindowBits15, offers: "permessage-deflate", response: nil),
    DeflateAcceptCase(
        profile: .windowBits9, offers: "permessage-deflate; client_max_window_bits=12",
        response: "permessage-deflate; client_max_window_bits=9"),
    // Never above an offered client window (Autobahn itself would answer 15 here).
    DeflateAcceptCase(
        profile: .windowBits15, offers: "permessage-deflate; client_max_window_bits=12",
        response: "permessage-deflate; client_max_window_bits=12"),
    // 13.7: the rules are tried in order, each over all offers.
    DeflateAcceptCase(
        profile: .threeOffers, offers: "permessage-deflate, permessage-deflate; client_max_window_bits",
        response: "permessage-deflate; client_no_context_takeover; client_max_window_bits=9", offerIndex: 1),
    DeflateAcceptCase(
        profile: .threeOffers, offers: "permessage-deflate; server_max_window_bits=11",
        response: "permessage-deflate; server_max_window_bits=11; client_no_context_takeover"),
    // Other extensions are skipped; the index counts every element.
    DeflateAcceptCase(
        profile: .plain, offers: "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits",
        response: "permessage-deflate", offerIndex: 1),
    DeflateAcceptCase(profile: .plain, offers: "x-webkit-deflate-frame", response: nil),
    DeflateAcceptCase(profile: .plain, offers: "", response: nil),
]

let deflateParameterErrorCases: [(String, DeflateNegotiationError.Reason)] = [
    ("permessage-deflate; mystery", .unknownParameter("mystery")),
    (
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        .duplicateParameter("server_no_context_takeover")
    ),
    (
        "permessage-deflate; client_max_window_bits=9; client_max_window_bits=10",
        .duplicateParameter("client_max_window_bits")
    ),
    (
        "permessage-deflate; server_no_context_takeover=1",
        .invalidValue(parameter: "server_no_context_takeover", value: "1")
    ),
    (
        "permessage-deflate; client_no_context_takeover=x",
        .invalidValue(parameter: "client_no_context_takeover", value: "x")
    ),
    (
        "permessage-deflate; server_max_window_bits",
        .invalidValue(parameter: "server_max_window_bits", value: nil)
    ),
    (
        "permessage-deflate; server_max_window_bits=7",
        .invalidValue(parameter: "server_max_window_bits", value: "7")
    ),
    (
        "permessage-deflate; server_max_window_bits=16",
        .invalidValue(parameter: "server_max_window_bits", value: "16")
    ),
    (
        "permessage-deflate; server_max_window_bits=09",
        .invalidValue(parameter: "server_max_window_bits", value: "09")
    ),
    (
        "permessage-deflate; client_max_window_bits=ten",
        .invalidValue(parameter: "client_max_window_bits", value: "ten")
    ),
]

/// (offers, response, the failure or `nil` for a valid acceptance)
let deflateResponseCases: [(String, String, DeflateNegotiationError.Reason?)] = [
    // The server ignores what it was asked for its own direction: not a MUST violation (§7.1),
    // the answer says what it does (no takeover reset, window 15 or 11).
    ("permessage-deflate; server_no_context_takeover", "permessage-deflate", nil),
    ("permessage-deflate; server_max_window_bits=10", "permessage-deflate", nil),
    ("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=11", nil),
    (
        "permessage-deflate", "permessage-deflate; client_max_window_bits=10",
        .clientMaxWindowBitsNotOffered(answered: 10)
    ),
    (
        "permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=12",
        .clientMaxWindowBitsAboveOffer(offered: 10, answered: 12)
    ),
    ("permessage-deflate", "permessage-deflate, permessage-deflate", .duplicateExtension),
    ("", "permessage-deflate", .notOffered),
    ("permessage-deflate", "permessage-deflate; foo", .unknownParameter("foo")),
    (
        "permessage-deflate", "permessage-deflate; client_max_window_bits",
        .invalidValue(parameter: "client_max_window_bits", value: nil)
    ),
    // Allowed: the server may add server_* limits and client_no_context_takeover unasked.
    (
        "permessage-deflate",
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=8; client_no_context_takeover",
        nil
    ),
    ("permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=9", nil),
    ("permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits=8", nil),
    // A response valid for the second offer only.
    ("permessage-deflate; server_no_context_takeover, permessage-deflate", "permessage-deflate", nil),
]

@Suite("permessage-deflate negotiation")
struct DeflateNegotiationTests {
    @Test("Autobahn's client offers, header by header")
    func clientOffers() {
        let expected: [AutobahnDeflateProfile: String] = [
            .plain: autobahnOwn,
            .noContextTakeover: autobahnOwn + "; server_no_context_takeover",
            .windowBits9: autobahnOwn + "; server_max_window_bits=9",
            .windowBits15: autobahnOwn + "; server_max_window_bits=15",
            .noContextTakeoverWindowBits9: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=9",
            .noContextTakeoverWindowBits15: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=15",
            .threeOffers: autobahnOwn + "; server_no_context_takeover; server_max_window_bits=9, " + autobahnOwn
                + "; server_no_context_takeover, " + autobahnOwn,
        ]
        for profile in AutobahnDeflateProfile.allCases {
            #expect(DeflateClientNegotiation.headerValue(offering: profile.clientOffers) == expected[profile])
        }
        #expect(AutobahnDeflateProfile(group: "12.4") == .plain)
        #expect(AutobahnDeflateProfile(group: "13.6") == .noContextTakeoverWindowBits15)
        #expect(AutobahnDeflateProfile(group: "9.1") == nil)
    }

    @Test("server accept decisions", arguments: deflateAcceptCases)
    func accept(_ test: DeflateAcceptCase) {
        let decision = test.profile.acceptPolicy().answer(offers(test.offers))
        switch (decision, test.response) {
        case (.accept(let response, let agreement, let index), let expected?):
            #expect(response.description == expected)
            #expect(index == test.offerIndex)
            // Whatever the server accepted, a client that made those offers agrees with it.
            let offered = offers(test.offers).filter(DeflateParameters.isDeflate).map {
                try! DeflateParameters.parse($0, as: .offer).get()
            }
            #expect(DeflateClientNegotiation.validate(response: [response], offers: offered) == .success(agreement))
        case (.decline, nil):
            break
        default:
            Issue.record("got \(decision), expected \(test.response ?? "decline")")
        }
    }

    @Test("agreements each side derives from Autobahn's own negotiation")
    func agreements() {
        func agreement(_ profile: AutobahnDeflateProfile) -> DeflateAgreement? {
            let header = DeflateClientNegotiation.headerValue(offering: profile.clientOffers)
            guard case .accept(_, let agreement, _) = profile.acceptPolicy().answer(offers(header)) else { return nil }
            return agreement
        }
        #expect(agreement(.plain) == DeflateAgreement())
        #expect(
            agreement(.noContextTakeoverWindowBits9)
                == DeflateAgreement(
                    serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9,
                    clientMaxWindowBits: 9))
        let both = DeflateAgreement(serverNoContextTakeover: true, serverMaxWindowBits: 9, clientMaxWindowBits: 12)
        let server = both.sending(as: .server)
        let client = both.sending(as: .client)
        #expect(server.windowBits == 9 && server.noContextTakeover)
        #expect(client.windowBits == 12 && !client.noContextTakeover)
    }

    @Test("a malformed deflate offer: declined by RFC 7692 §7.1, handshake refused in Autobahn's mode")
    func malformedOffers() {
        let header = "permessage-deflate; server_max_window_bits=16, permessage-deflate"
        let rfc = AutobahnDeflateProfile.plain.acceptPolicy(malformedOffer: .declineOffer).answer(offers(header))
        guard case .accept(let response, _, let index) = rfc else {
            Issue.record("the valid second offer must be accepted, got \(rfc)")
            return
        }
        #expect(response.description == "permessage-deflate")
        #expect(index == 1)
        let autobahn = AutobahnDeflateProfile.plain.acceptPolicy().answer(offers(header))
        #expect(
            autobahn
                == .rejectHandshake(.init(.invalidValue(parameter: "server_max_window_bits", value: "16"))))
    }

    @Test("parameter errors", arguments: deflateParameterErrorCases)
    func parameterErrors(element: String, reason: DeflateNegotiationError.Reason) {
        #expect(parameters(element, as: .offer) == .failure(.init(reason)))
        #expect(parameters(element, as: .response) == .failure(.init(reason)))
    }

    @Test("values: quoted numbers count, a bare client_max_window_bits only in an offer")
    func parameterValues() {
        #expect(
            parameters("permessage-deflate; server_max_window_bits=\"10\"", as: .response)
                == .success(DeflateParameters(serverMaxWindowBits: 10)))
        #expect(
            parameters("permessage-deflate; client_max_window_bits", as: .offer)
                == .success(DeflateParameters(clientMaxWindowBits: .any)))
        #expect(
            parameters("permessage-deflate; client_max_window_bits", as: .response)
                == .failure(.init(.invalidValue(parameter: "client_max_window_bits", value: nil))))
        #expect(
            parameters("Permessage-Deflate; Server_No_Context_Takeover; CLIENT_MAX_WINDOW_BITS=8", as: .response)
                == .success(DeflateParameters(serverNoContextTakeover: true, clientMaxWindowBits: .bits(8))))
    }

    @Test("client validation of the server's response", arguments: deflateResponseCases)
    func clientValidation(offered: String, response: String, failure: DeflateNegotiationError.Reason?) {
        let offerValues = offers(offered).map { try! DeflateParameters.parse($0, as: .offer).get() }
        let result = DeflateClientNegotiation.validate(response: offers(response), offers: offerValues)
        if let failure {
            #expect(result == .failure(.init(failure)))
        } else if case .failure(let error) = result {
            Issue.record("unexpected failure: \(error)")
        }
    }

    @Test("client agreement values")
    func clientAgreement() {
        let offered = [DeflateParameters(clientMaxWindowBits: .bits(11))]
        // An offered client window binds the client even when the response is silent about it.
        #expect(
            DeflateClientNegotiation.validate(response: offers("permessage-deflate"), offers: offered)
                == .success(DeflateAgreement(clientMaxWindowBits: 11)))
        #expect(
            DeflateClientNegotiation.validate(response: offers("x-other"), offers: offered) == .success(nil))
        #expect(
            DeflateNegotiationError(.clientMaxWindowBitsNotOffered(answered: 10)).description
                == "response has client_max_window_bits=10 but the offer had no client_max_window_bits"
                + " (RFC 7692 §7.1.2.2)")
    }
}

import Testing
import SecureChatCrypto
@testable import SecureChatCore

/// Issue 17, "no arithmetic on untrusted numbers can trap": the numbers Core reads from tokens,
/// envelopes and text, at the ends of their ranges, each with the exact result.
@Suite struct UntrustedNumberTests {
    static let key = try! FernetKey(encoded: "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")

    /// (token timestamp, now, --ttl, the result): a token's timestamp is whatever its maker
    /// wrote, checked against the TTL and the clock-skew allowance without overflow.
    static let ttlTable: [(UInt64, UInt64, UInt64?, Result<Void, FernetError>)] = [
        (.max, 1_700_000_000, 60, .failure(.fromTheFuture(aheadSeconds: .max - 1_700_000_000))),
        (.max, 1_700_000_000, nil, .success(())),
        (.max, .max, 0, .success(())),
        (.max, 0, .max, .failure(.fromTheFuture(aheadSeconds: .max))),
        (0, .max, 60, .failure(.expired(ageSeconds: .max, ttl: 60))),
        (0, .max, .max, .success(())),
        (0, 0, 0, .success(())),
        (1, 0, 0, .success(())),
        (61, 0, 0, .failure(.fromTheFuture(aheadSeconds: 61))),
        (.max - 60, .max, 59, .failure(.expired(ageSeconds: 60, ttl: 59))),
    ]

    @Test func fernetTimestampsAgainstTTL() throws {
        for (timestamp, now, ttl, expected) in Self.ttlTable {
            let token = Fernet(key: Self.key).encrypt(Array("x".utf8), now: timestamp)
            let got: Result<Void, FernetError>
            do {
                _ = try Fernet(key: Self.key).decrypt(token, ttl: ttl, now: now)
                got = .success(())
            } catch {
                got = .failure(error)
            }
            switch (got, expected) {
            case (.success, .success): break
            case (.failure(let a), .failure(let b)): #expect(a == b, "timestamp \(timestamp), now \(now), ttl \(String(describing: ttl))")
            default: Issue.record("timestamp \(timestamp), now \(now), ttl \(String(describing: ttl)): got \(got)")
            }
        }
        #expect(try Fernet.unverifiedTimestamp(Fernet(key: Self.key).encrypt([1], now: .max)) == .max)
    }

    /// Envelope counters and times take every UInt64 (the counter from 1) and read back exactly.
    @Test(arguments: [UInt64(1), UInt64(Int64.max), UInt64(Int64.max) + 1, .max - 1, .max])
    func envelopeNumbersRoundTrip(_ n: UInt64) throws {
        let me = Curve25519.Signing.PrivateKey()
        let e = Envelope(sender: me.publicKey.rawRepresentation, roomID: "r", counter: n, time: n, body: [])
        let opened = try Envelope.open(try e.signed(by: me))
        #expect(opened.counter == n && opened.time == n)
    }

    /// Times shown to people: clamped at the year 9999.
    @Test func timestampsClamp() {
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Timestamp.latest) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.format(Timestamp.latest + 1) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.format(.max) == "9999-12-31T23:59:59Z")
        #expect(Timestamp.parse("9999-12-31T23:59:59Z") == Timestamp.latest)
    }

    /// Durations typed as flags: a sum past 2^64-1 is refused, not wrapped.
    @Test func durationsRefuseOverflow() {
        let table: [(String, UInt64?)] = [
            ("18446744073709551615", .max), ("18446744073709551616", nil), ("18446744073709551615s", .max),
            ("18446744073709551616s", nil), ("213503982334601d", 213_503_982_334_601 * 86400), ("213503982334602d", nil),
            ("18446744073709551615s1s", nil), ("5124095576030431h", 5_124_095_576_030_431 * 3600), ("-1", nil), ("1.5h", nil),
        ]
        for (text, expected) in table { #expect(DurationText.seconds(text) == expected, "\(text)") }
    }
}

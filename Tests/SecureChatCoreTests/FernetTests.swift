import Foundation
import Testing
import TestSupport
import SecureChatCrypto
@testable import SecureChatCore

private func unixTime(_ rfc3339: String) -> UInt64 {
    UInt64(ISO8601DateFormatter().date(from: rfc3339)!.timeIntervalSince1970)
}

@Suite struct FernetVectorTests {
    @Test func generate() throws {
        let all = try Vectors.json("fernet/generate.json") as! [[String: Any]]
        for v in all {
            let f = Fernet(key: try FernetKey(encoded: v["secret"] as! String))
            let iv = (v["iv"] as! [Int]).map(UInt8.init)
            let token = f.encrypt(Array((v["src"] as! String).utf8), now: unixTime(v["now"] as! String), iv: iv)
            #expect(token == v["token"] as! String)
        }
        print("fernet generate: \(all.count) vectors")
        #expect(all.count >= 1)
    }

    @Test func verify() throws {
        let all = try Vectors.json("fernet/verify.json") as! [[String: Any]]
        for v in all {
            let f = Fernet(key: try FernetKey(encoded: v["secret"] as! String))
            let ttl = (v["ttl_sec"] as? Int).map(UInt64.init)
            let out = try f.decrypt(v["token"] as! String, ttl: ttl, now: unixTime(v["now"] as! String))
            #expect(out == Array((v["src"] as! String).utf8))
        }
        print("fernet verify: \(all.count) vectors")
        #expect(all.count >= 1)
    }

    @Test func invalid() throws {
        let all = try Vectors.json("fernet/invalid.json") as! [[String: Any]]
        // The spec names each case; these are the typed errors securechat gives for them.
        let expected: [String: (FernetError) -> Bool] = [
            "incorrect mac": { $0 == .authenticationFailed },
            "too short": { if case .malformedToken = $0 { true } else { false } },
            "invalid base64": { $0 == .malformedToken("not URL-safe base64 with correct padding") },
            "payload size not multiple of block size": { $0 == .malformedToken("ciphertext is not a whole number of AES blocks") },
            "payload padding error": { $0 == .malformedToken("invalid padding") },
            "far-future TS (unacceptable clock skew)": { if case .fromTheFuture = $0 { true } else { false } },
            "expired TTL": { if case .expired = $0 { true } else { false } },
            "incorrect IV (causes padding error)": { $0 == .malformedToken("invalid padding") },
        ]
        var checked = 0
        for v in all {
            let desc = v["desc"] as! String
            let f = Fernet(key: try FernetKey(encoded: v["secret"] as! String))
            let ttl = (v["ttl_sec"] as? Int).map(UInt64.init)
            do {
                _ = try f.decrypt(v["token"] as! String, ttl: ttl, now: unixTime(v["now"] as! String))
                Issue.record("\(desc): accepted")
            } catch {
                let check = try #require(expected[desc], "no expectation for '\(desc)'")
                #expect(check(error), "\(desc): got \(error)")
                checked += 1
            }
        }
        print("fernet invalid: \(checked) of \(all.count) rejected with the expected error")
        #expect(checked == all.count && checked >= 8)
    }
}

@Suite struct FernetBehaviourTests {
    let key = FernetKey.generate()
    let now: UInt64 = 1_700_000_000

    @Test func multiFernetAndRotation() throws {
        let old = FernetKey.generate(), new = FernetKey.generate()
        let token = Fernet(key: old).encrypt(Array("hi".utf8), now: now - 500)
        let multi = Fernet(keys: [new, old])
        #expect(try multi.decrypt(token, now: now) == Array("hi".utf8))
        #expect(try multi.verify(token, now: now).keyIndex == 1)
        let rotated = try multi.rotate(token, now: now)
        #expect(try Fernet(key: new).decrypt(rotated, now: now) == Array("hi".utf8))
        #expect(try Fernet.unverifiedTimestamp(rotated) == now - 500)
        #expect(throws: FernetError.authenticationFailed) { try Fernet(key: old).decrypt(rotated, now: now) }
    }

    @Test func ttlAndSkew() throws {
        let f = Fernet(key: key)
        let t = f.encrypt([1], now: now)
        #expect(try f.decrypt(t, ttl: 10, now: now + 10) == [1])
        #expect(throws: FernetError.expired(ageSeconds: 11, ttl: 10)) { try f.decrypt(t, ttl: 10, now: now + 11) }
        #expect(try f.decrypt(t, ttl: 10, now: now - 60) == [1])
        #expect(throws: FernetError.fromTheFuture(aheadSeconds: 61)) { try f.decrypt(t, ttl: 10, now: now - 61) }
        // Without a TTL, neither age nor skew is checked (as in the spec and Python).
        #expect(try f.decrypt(t, now: now + 1_000_000) == [1])
    }

    /// One flipped bit in each region of the token, each with the exact error.
    @Test(arguments: [
        ("version", 0, FernetError.malformedToken("unknown version byte 0x81 (expected 0x80)")),
        ("timestamp", 5, .authenticationFailed),
        ("iv", 12, .authenticationFailed),
        ("ciphertext", 30, .authenticationFailed),
        ("hmac", -1, .authenticationFailed),
    ])
    func flippedBit(region: String, offset: Int, error: FernetError) throws {
        let f = Fernet(key: key)
        var raw = Base64.decode(f.encrypt(Array("a secret message!".utf8), now: now), alphabet: .url)!
        raw[offset >= 0 ? offset : raw.count + offset] ^= 0x01
        let token = Base64.encode(raw, alphabet: .url)
        #expect(throws: error, "\(region)") { try f.decrypt(token, now: now) }
    }

    @Test(arguments: [
        ("", FernetError.malformedToken("the token is empty")),
        ("gAAAAA", .malformedToken("not URL-safe base64 with correct padding")),
        ("gAAAAABl!!!!", .malformedToken("not URL-safe base64 with correct padding")),
        ("gAAAAABlAAAA", .malformedToken("too short (9 bytes; a token has at least 73)")),
        ("gAAAAABlAAAAAAAA=", .malformedToken("not URL-safe base64 with correct padding")),
    ])
    func malformedTokens(token: String, error: FernetError) {
        #expect(throws: error) { try Fernet(key: key).decrypt(token, now: now) }
    }

    @Test func truncatedAndRepadded() throws {
        let token = Fernet(key: key).encrypt(Array("x".utf8), now: now)
        #expect(throws: FernetError.self) { try Fernet(key: key).decrypt(String(token.dropLast(4)), now: now) }
        #expect(throws: FernetError.malformedToken("not URL-safe base64 with correct padding")) {
            try Fernet(key: key).decrypt(String(token.dropLast(1)), now: now)
        }
    }

    @Test(arguments: [
        ("", FernetError.invalidKey("the key is empty")),
        ("abc", .invalidKey("not URL-safe base64 (expected 44 characters of A-Z a-z 0-9 - _ ending in =)")),
        ("cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=", .invalidKey("not URL-safe base64 (expected 44 characters of A-Z a-z 0-9 - _ ending in =)")),
        ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", .invalidKey("must be 32 bytes, got 24")),
    ])
    func badKeys(text: String, error: FernetError) {
        #expect(throws: error) { try FernetKey(encoded: text) }
    }

    @Test func keyTextRoundTripsAndToleratesNewline() throws {
        let k = FernetKey.generate()
        #expect(k.encoded.count == 44)
        #expect(try FernetKey(encoded: k.encoded + "\n") == k)
    }

    /// The stream writes text as it goes: its output is identical to the one-shot token.
    @Test func streamingMatchesOneShot() throws {
        let data = SecureRandom.bytes(300_001)
        let iv = SecureRandom.bytes(16)
        let w = MemoryWriter()
        var s = FernetEncryptingStream(key: key, now: now, iv: iv)
        var writes = 0
        for start in stride(from: 0, to: data.count, by: 4099) {
            try s.write(Array(data[start..<min(start + 4099, data.count)]), to: w)
            writes += 1
        }
        try s.finish(to: w)
        #expect(String(decoding: w.bytes, as: UTF8.self) == Fernet(key: key).encrypt(data, now: now, iv: iv))
        #expect(try Fernet(key: key).decrypt(String(decoding: w.bytes, as: UTF8.self), now: now) == data)
    }
}

@Suite struct Base64Tests {
    @Test func strictness() {
        #expect(Base64.decode("Zm9v") == Array("foo".utf8))
        #expect(Base64.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64.decode("Zm9=") == nil) // non-zero trailing bits
        #expect(Base64.decode("Zm8") == nil) // missing padding
        #expect(Base64.decode("Zm8", padded: false) == Array("fo".utf8))
        #expect(Base64.decode("Z", padded: false) == nil)
        #expect(Base64.decode("-_8=", alphabet: .url) == [0xfb, 0xff])
        #expect(Base64.decode("-_8=", alphabet: .standard) == nil)
        for n in 0..<20 {
            let b = SecureRandom.bytes(n)
            #expect(Base64.decode(Base64.encode(b)) == b)
            #expect(Base64.decode(Base64.encode(b, padded: false), padded: false) == b)
        }
    }
}

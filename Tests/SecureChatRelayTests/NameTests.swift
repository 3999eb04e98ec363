import Foundation
import SecureChatCore
import SecureChatCrypto
@testable import SecureChatRelay
import SecureChatWire
import Testing

/// Names are the members' own signed statements: the relay keeps the newest, announces it, and
/// lists it in later rosters; it refuses statements not signed by the connection or not newer.
@Suite struct NameTests {
    func statement(_ peer: TestPeer, _ room: TestRoom, _ name: String, version: UInt64, signer: Identity? = nil) -> ClientFrame {
        let sig = try! (signer ?? peer.identity).signingKey.signature(for: SignedPayload.memberName(roomID: room.id, version: version, name: name))
        return .setName(.init(roomID: room.id, name: name, version: version, signature: WireBytes(sig)))
    }

    @Test func aSignedNameIsKeptAnnouncedAndListed() async throws {
        try await TestRelay.with { live in
            let room = TestRoom.make()
            let ada = try await live.connect("Ada"), bob = try await live.connect("Bob")
            try await ada.create(room)
            try await ada.join(room)
            try await bob.join(room)
            _ = try await ada.until { if case .presence(let p) = $0, p.member == bob.key { p } else { nil } }

            bob.send(statement(bob, room, "Robert", version: 1000))
            for peer in [ada, bob] {
                let e = try await peer.until { if case .event(let e) = $0, e.event == .name { e } else { nil } }
                #expect(e.member == bob.key && e.name == "Robert" && e.nameVersion == 1000)
                let sig = try #require(e.nameSignature)
                let key = try Curve25519.Signing.PublicKey(rawRepresentation: bob.signingKey)
                #expect(key.isValidSignature(sig.bytes, for: SignedPayload.memberName(roomID: room.id, version: 1000, name: "Robert")))
            }
            // Not newer: refused, and nothing changes.
            bob.send(statement(bob, room, "Old Bob", version: 1000))
            #expect(try await bob.error().code == .staleName)
            // Signed by someone else: refused.
            bob.send(statement(bob, room, "Mallory", version: 2000, signer: ada.identity))
            #expect(try await bob.error().code == .badSignature)
            // Not joined: refused.
            let other = TestRoom.make()
            bob.send(statement(bob, other, "Elsewhere", version: 3000))
            #expect(try await bob.error().code == .notMember)

            // A later join lists the statement with the member.
            let cy = try await live.connect("Cy")
            let (_, frames) = try await cy.join(room)
            guard case .roster(let roster)? = frames.first else { Issue.record("no roster"); return }
            let entry = try #require(roster.members.first { $0.member == bob.key })
            #expect(entry.name == "Robert" && entry.nameVersion == 1000 && entry.nameSignature != nil)
            let unsigned = try #require(roster.members.first { $0.member == ada.key })
            #expect(unsigned.name == "Ada" && unsigned.nameVersion == nil && unsigned.nameSignature == nil)
            #expect(!live.logs.text.contains("Robert"))
        }
    }
}

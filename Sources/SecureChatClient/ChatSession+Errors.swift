import SecureChatWire

/// The relay's `error` frames: which end the session, which change course (knock instead of
/// join), which only concern one request.
extension ChatSession {
    mutating func error(_ e: ErrorFrame) -> [Action] {
        // A refused send: retried in order when the relay only asked us to slow down, dropped otherwise.
        if let id = e.clientID, let i = outbox.firstIndex(where: { $0.clientID == id }) {
            if e.code == .rateLimited { return rateLimited(at: i, retryAfterMs: e.retryAfterMs) }
            outbox.remove(at: i)
            return [.emit(.sendFailed(clientID: id, reason: e.message))]
        }
        // Our group-state commit was refused: rebuilt and sent again while it still applies.
        if sentCommit != nil, e.roomID == roomID, e.code == .badCommit || e.code == .rateLimited || e.code == .roomFull {
            return commitRefused(e)
        }
        switch e.code {
        case .badSignature where !authenticated, .unsupportedVersion, .tooManyConnections:
            return finish(.refused(e))
        case .slowReader:
            // The relay closes the connection next; the reconnect says why and resumes from the last seq seen.
            closingReason = "the relay cut the connection off because this client did not read its messages fast enough (slow_reader)"
            return []
        case .authTimeout, .notAuthenticated:
            // The relay closes the connection (or the frame followed a failed auth): the close decides.
            return []
        default:
            break
        }
        switch phase {
        case .joining:
            switch e.code {
            case .notMember where policy == .approval:
                guard let roomID else { return [] }
                return knock(roomID)
            case .badProof:
                return finish(.notAdmitted("the room key does not admit you: it may have been replaced after you were removed"))
            case .notMember:
                return finish(.notAdmitted(e.message))
            case .roomNotFound: return finish(.roomNotFound)
            case .roomExpired: return finish(.roomExpired)
            case .removed: return finish(.removed)
            case .alreadyJoined: return []
            default: return finish(.refused(e))
            }
        case .knocking:
            switch e.code {
            case .alreadyMember:
                phase = .joining
                return [.write(.join(.init(roomID: roomID ?? "", afterSeq: lastSeq, proof: roomID.flatMap(accessProof))))]
            case .badCode: return finish(.badCode)
            case .removed: return finish(.removed)
            case .knockTimeout: return finish(.knockTimedOut)
            case .roomNotFound: return finish(.roomNotFound)
            case .roomExpired: return finish(.roomExpired)
            default: return finish(.refused(e))
            }
        default:
            return [.emit(.problem(e.message))]
        }
    }

    mutating func finish(_ outcome: ChatOutcome) -> [Action] {
        phase = .finished
        return [.finish(outcome)]
    }
}

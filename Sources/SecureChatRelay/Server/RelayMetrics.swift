import Prometheus
import SecureChatWire

/// What `GET /metrics` reports, in the Prometheus text format (docs/operating.md, "Metrics").
/// Counts and timings only: no room id, key, name or address is ever a label, so the page says
/// how busy the relay is and nothing about who uses it.
final class RelayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// WebSocket connections open now.
    let connections: Gauge
    /// WebSocket connections accepted since the start (refused ones not counted).
    let connectionsOpened: Counter
    /// Rooms with at least one connection joined, set when the page is read.
    let liveRooms: Gauge
    /// Chat messages stored (each one once, however many members receive it).
    let messagesIn: Counter
    /// Frames of stored messages and commits written to members' connections.
    let deliveriesOut: Counter
    /// Group-state commits stored (approvals, removals, rotations, leaves, joins).
    let groupCommits: Counter
    /// Seconds one commit batch spends in the store (one transaction for many frames).
    let commitSeconds: DurationHistogram
    private let refusals: [ErrorCode: Counter]

    init() {
        /// `securechat_NAME[_UNIT]`.
        func name(_ metric: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "securechat", metricName: metric, unitName: unit, helpText: help)
        }
        connections = registry.makeGauge(descriptor: name("connections", "WebSocket connections open now."))
        connectionsOpened = registry.makeCounter(descriptor: name("connections_opened", unit: "total", "WebSocket connections accepted."))
        liveRooms = registry.makeGauge(descriptor: name("live_rooms", "Rooms with at least one member connected."))
        messagesIn = registry.makeCounter(descriptor: name("messages_in", unit: "total", "Chat messages stored."))
        deliveriesOut = registry.makeCounter(descriptor: name("deliveries_out", unit: "total",
                                                              "Stored messages and commits written to members' connections."))
        groupCommits = registry.makeCounter(descriptor: name("group_commits", unit: "total", "Group-state commits stored."))
        commitSeconds = registry.makeDurationHistogram(
            descriptor: name("commit", unit: "seconds", "Time one commit batch (one store transaction) takes."),
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
                      .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)])
        var refusals: [ErrorCode: Counter] = [:]
        for code in ErrorCode.allCases {
            refusals[code] = registry.makeCounter(descriptor: name("refusals", unit: "total", "Requests refused, by the error code clients were sent."),
                                                  labels: [("reason", code.rawValue)])
        }
        self.refusals = refusals
    }

    /// One `error` frame sent (or connection refused) with `code`.
    func refused(_ code: ErrorCode) { refusals[code]?.increment() }

    /// The page: Prometheus text exposition format 0.0.4.
    func page(liveRooms rooms: Int) -> [UInt8] {
        liveRooms.set(Int64(rooms))
        return registry.emitToBuffer()
    }
}
